using System.Net;
using System.Net.Sockets;

namespace Checkpoint.Hosting.Tests;

/// <summary>The PostgreSQL and Redis servers of ./test.sh (scripts/servers.sh); a missing variable fails the test, never skips it.</summary>
internal static class TestServers
{
    public static string Postgres => Variable("CHECKPOINT_POSTGRES");

    public static string Redis => Variable("CHECKPOINT_REDIS");

    /// <summary>A local port nothing listens on (bound, then released): connections to it are refused at once.</summary>
    public static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static string Variable(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
        ? value
        : throw new InvalidOperationException(
            $"{name} is not set: run ./test.sh, or `scripts/servers.sh start && set -a && . .tmp/servers.env && set +a` before `dotnet test`.");
}
