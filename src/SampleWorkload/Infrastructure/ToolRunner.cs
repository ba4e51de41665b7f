using System.Diagnostics;

namespace Observability.SampleWorkload.Infrastructure;

/// <summary>Runs a server tool (initdb, pg_ctl, pg_basebackup) to completion, as the postgres system user when we are root.</summary>
internal static class ToolRunner
{
    /// <summary>The system user that owns PostgreSQL's files when the launcher runs as root; PostgreSQL refuses root.</summary>
    public const string PostgresSystemUser = "postgres";

    public static async Task<string> RunAsync(
        string tool, IReadOnlyList<string> arguments, bool asPostgresUser, TimeSpan timeout,
        IReadOnlyDictionary<string, string>? environment = null, CancellationToken cancellationToken = default)
    {
        var start = new ProcessStartInfo
        {
            FileName = asPostgresUser ? "runuser" : tool,
            // The postgres user may not be allowed into the launcher's current folder.
            WorkingDirectory = "/",
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (asPostgresUser)
        {
            foreach (var argument in new[] { "-u", PostgresSystemUser, "--", tool })
            {
                start.ArgumentList.Add(argument);
            }
        }
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {start.FileName}.");
        var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var errors = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{Path.GetFileName(tool)} did not finish within {timeout.TotalSeconds:0} s.");
        }
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{Path.GetFileName(tool)} {string.Join(' ', arguments)} failed with exit code {process.ExitCode}: {(await errors).Trim()} {(await output).Trim()}".TrimEnd());
        }
        return await output;
    }
}
