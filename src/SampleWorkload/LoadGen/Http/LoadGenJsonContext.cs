using System.Text.Json.Serialization;

namespace Observability.SampleWorkload.LoadGen.Http;

/// <summary>Body of POST /api/login.</summary>
internal sealed record LoginRequest(string User, string Password);

/// <summary>Answer of POST /api/login; only the token is used.</summary>
internal sealed record LoginResponse(string? Token, string? User);

/// <summary>Source-generated JSON for the two bodies the load generator reads or writes as objects.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(LoginRequest))]
[JsonSerializable(typeof(LoginResponse))]
internal sealed partial class LoadGenJsonContext : JsonSerializerContext;
