using Npgsql;
using Observability.SampleWorkload.Infrastructure;

namespace Observability.SampleWorkload.Tests.Infrastructure;

/// <summary>
/// The workload's PostgreSQL files when the data folder sits below a folder the postgres system user cannot enter (a
/// repository cloned under root's 0700 home): initdb, run as postgres, failed with "Permission denied".
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class PostgresFolderTests : IDisposable
{
    private readonly TempDataFolder _private = new();
    private readonly List<string> _outside = [];

    public PostgresFolderTests()
    {
        File.SetUnixFileMode(_private.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private string DataFolder(string name)
    {
        var folder = Path.Combine(_private.Path, name);
        Directory.CreateDirectory(folder);
        return folder;
    }

    private string Chosen(string dataFolder, bool asPostgresUser)
    {
        var chosen = PostgresFolder.For(dataFolder, asPostgresUser);
        if (!chosen.StartsWith(dataFolder, StringComparison.Ordinal))
        {
            _outside.Add(Path.GetDirectoryName(chosen)!);
        }
        return chosen;
    }

    [Fact]
    public void Below_a_private_folder_the_files_go_to_a_folder_of_their_own_named_after_the_data_folder()
    {
        var data = DataFolder("data");

        var chosen = Chosen(data, asPostgresUser: true);

        Assert.False(PostgresFolder.OthersCanPassAbove(data));
        Assert.Matches("^/var/tmp/observability-workload-[0-9a-f]{12}/pg$", chosen);
        Assert.Equal(chosen, Chosen(data, asPostgresUser: true));
        Assert.NotEqual(chosen, Chosen(DataFolder("other"), asPostgresUser: true));
        Assert.True(File.GetUnixFileMode(Path.GetDirectoryName(chosen)!).HasFlag(UnixFileMode.OtherExecute));
        Assert.False(File.GetUnixFileMode(Path.GetDirectoryName(chosen)!).HasFlag(UnixFileMode.OtherRead));
    }

    [Fact]
    public void Without_root_or_below_open_folders_the_files_stay_in_the_data_folder()
    {
        var data = DataFolder("data");
        Assert.Equal(Path.Combine(data, "pg"), Chosen(data, asPostgresUser: false));

        File.SetUnixFileMode(_private.Path, File.GetUnixFileMode(_private.Path) | UnixFileMode.OtherExecute);
        Assert.True(PostgresFolder.OthersCanPassAbove(data));
        Assert.Equal(Path.Combine(data, "pg"), Chosen(data, asPostgresUser: true));
    }

    [Fact]
    public async Task The_workloads_postgresql_starts_and_serves_from_a_data_folder_below_a_private_one()
    {
        var data = DataFolder("data");
        File.SetUnixFileMode(data, File.GetUnixFileMode(data) | UnixFileMode.OtherExecute);
        // As the launcher chooses: as root, the servers run as postgres.
        var folder = Chosen(data, UnixProcess.IsRoot);

        var cluster = await PostgresCluster.StartAsync(new PostgresClusterOptions { Folder = folder, WithReplica = false }, CancellationToken.None);
        try
        {
            await using var primary = NpgsqlDataSource.Create(cluster.Endpoints.Primary);
            await using var select = primary.CreateCommand("SELECT current_database()");
            Assert.Equal(PostgresCluster.StoreDatabase, await select.ExecuteScalarAsync());
        }
        finally
        {
            await cluster.StopAsync();
        }
    }

    public void Dispose()
    {
        foreach (var folder in _outside.Distinct())
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // A server still writing its log as it stops.
            }
        }
        _private.Dispose();
    }
}
