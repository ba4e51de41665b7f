namespace Observability.SampleWorkload.LoadGen;

/// <summary>Placeholder until this role is built.</summary>
internal static class LoadGenHost
{
    public static Task<int> RunAsync(string[] args)
    {
        Console.Error.WriteLine("not built yet");
        return Task.FromResult(1);
    }
}
