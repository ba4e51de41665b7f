namespace Observability.SampleWorkload.Services;

/// <summary>Placeholder until this role is built.</summary>
internal static class ServiceHost
{
    public static Task<int> RunAsync(string role, string[] args)
    {
        Console.Error.WriteLine("not built yet");
        return Task.FromResult(1);
    }
}
