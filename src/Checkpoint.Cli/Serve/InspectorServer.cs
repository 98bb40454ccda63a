using System.Net;
using Checkpoint.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Checkpoint.Cli.Serve;

/// <summary>
/// The web inspector of <c>ckpt serve</c>: one page and a read-only JSON API over an open saver, on 127.0.0.1 only
/// (the data may be private, and nothing here authenticates).
/// </summary>
internal sealed class InspectorServer : IAsyncDisposable
{
    /// <summary>The port <c>ckpt serve</c> listens on unless told otherwise.</summary>
    public const int DefaultPort = 5170;

    private readonly WebApplication _app;

    private InspectorServer(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    /// <summary>Where the page is, e.g. http://127.0.0.1:5170/.</summary>
    public Uri Address { get; }

    /// <summary>Starts serving <paramref name="saver"/> on 127.0.0.1:<paramref name="port"/> (0: a free port).</summary>
    public static async Task<InspectorServer> StartAsync(CheckpointSaver saver, string description, int port, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(saver);
        ArgumentOutOfRangeException.ThrowIfNegative(port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, IPEndPoint.MaxPort);

        // No content root files, no appsettings from the working directory: everything the page needs is embedded.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        InspectorApi.Map(app, saver, description);
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new InspectorServer(app, new Uri(bound.EndsWith('/') ? bound : bound + "/"));
    }

    /// <summary>Completes when <paramref name="cancellationToken"/> fires or the process is asked to stop (Ctrl+C, SIGTERM).</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken) => _app.WaitForShutdownAsync(cancellationToken);

    /// <summary>Stops serving; the saver stays open (its owner closes it).</summary>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
