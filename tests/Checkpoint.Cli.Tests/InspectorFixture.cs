using Checkpoint.Cli.Serve;
using Checkpoint.Sqlite;
using Xunit;

namespace Checkpoint.Cli.Tests;

/// <summary>The inspector serving the QuickStart tour's SQLite database (thread user-42: an interrupt, a resume, a fork) on a free port.</summary>
public sealed class InspectorFixture : IAsyncLifetime
{
    private readonly TestDatabases _databases = new();
    private SqliteCheckpointSaver? _saver;
    private InspectorServer? _server;

    public Uri Address => _server!.Address;

    public string DatabasePath { get; private set; } = "";

    public HttpClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var path = await _databases.QuickStartAsync();
        DatabasePath = path;
        _saver = new SqliteCheckpointSaver(path);
        _server = await InspectorServer.StartAsync(_saver, "SQLite " + path, port: 0, CancellationToken.None);
        Client = new HttpClient { BaseAddress = _server.Address };
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        if (_saver is not null)
        {
            await _saver.DisposeAsync();
        }

        _databases.Dispose();
    }
}
