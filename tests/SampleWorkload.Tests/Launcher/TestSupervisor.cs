using Observability.SampleWorkload.Launcher;

namespace Observability.SampleWorkload.Tests.Launcher;

/// <summary>Supervisor options for tests that need a supervisor but start no services through it.</summary>
internal static class TestSupervisor
{
    public static SupervisorOptions Options(string dataFolder, int phase = 2) => new()
    {
        FileName = "dotnet",
        LeadingArguments = [Path.Combine(AppContext.BaseDirectory, "Observability.SampleWorkload.dll")],
        Settings = new Dictionary<string, string>(),
        Phase = phase,
        DataFolder = dataFolder,
        Verbose = false,
        Write = _ => { },
    };
}
