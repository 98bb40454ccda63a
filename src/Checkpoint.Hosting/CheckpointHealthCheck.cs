using Checkpoint.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Checkpoint.Hosting;

/// <summary>
/// Reports whether a saver's database answers: it reads the latest checkpoint of a probe thread (a real query; the first
/// one also creates or migrates the schema, as any first use does). Healthy when the read returns, unhealthy (the
/// registration's failure status) with the exception when it throws or times out.
/// </summary>
public sealed class CheckpointHealthCheck : IHealthCheck
{
    /// <summary>The thread the probe reads (it is never written).</summary>
    public const string ProbeThreadId = "checkpoint-health-probe";

    private readonly CheckpointSaver _saver;

    /// <summary>Creates the check on <paramref name="saver"/>.</summary>
    public CheckpointHealthCheck(CheckpointSaver saver)
    {
        ArgumentNullException.ThrowIfNull(saver);
        _saver = saver;
    }

    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        return CheckHealthCoreAsync(context, cancellationToken);
    }

    private async Task<HealthCheckResult> CheckHealthCoreAsync(HealthCheckContext context, CancellationToken cancellationToken)
    {
        var saver = _saver.GetType().Name;
        try
        {
            _ = await _saver.GetAsync(ProbeThreadId, "", checkpointId: null, cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy($"{saver} answered.", new Dictionary<string, object> { ["saver"] = saver });
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(
                context.Registration.FailureStatus, $"{saver} did not answer: {exception.Message}", exception,
                new Dictionary<string, object> { ["saver"] = saver });
        }
    }
}
