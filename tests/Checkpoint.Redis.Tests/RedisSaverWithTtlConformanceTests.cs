namespace Checkpoint.Redis.Tests;

/// <summary>The conformance suite again with a thread TTL, so every put also refreshes expiries.</summary>
public sealed class RedisSaverWithTtlConformanceTests : RedisSaverConformanceTests
{
    protected override TimeSpan? ThreadTimeToLive => TimeSpan.FromHours(1);
}
