using Xunit;

namespace Checkpoint.Net8.Tests;

/// <summary>The guard every test here starts with.</summary>
internal static class Net8Runtime
{
    /// <summary>Fails unless the process runs on the 8.0 runtime (a 10.0 host would otherwise pass every test by accident).</summary>
    public static void AssertRunningOnDotnet8() =>
        Assert.True(Environment.Version.Major == 8, $"expected the .NET 8 runtime, running on {Environment.Version}");
}
