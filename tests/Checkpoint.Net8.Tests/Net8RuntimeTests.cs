using System.Reflection;
using System.Runtime.Versioning;
using Checkpoint.Memory;
using Checkpoint.Postgres;
using Checkpoint.Redis;
using Checkpoint.Sqlite;
using Xunit;

namespace Checkpoint.Net8.Tests;

/// <summary>These tests mean something only on .NET 8 with the libraries' net8.0 builds: checked here, and by every scenario.</summary>
public sealed class Net8RuntimeTests
{
    [Fact]
    public void The_process_runs_on_the_dotnet_8_runtime() => Net8Runtime.AssertRunningOnDotnet8();

    [Fact]
    public void Every_library_loaded_is_its_net8_build()
    {
        Type[] types = [typeof(CompiledGraph<>), typeof(SqliteCheckpointSaver), typeof(PostgresCheckpointSaver), typeof(RedisCheckpointSaver), typeof(MemoryStore)];
        foreach (var type in types)
        {
            var framework = type.Assembly.GetCustomAttribute<TargetFrameworkAttribute>()?.FrameworkName;
            Assert.True(framework == ".NETCoreApp,Version=v8.0", $"{type.Assembly.GetName().Name} was built for {framework}");
        }
    }
}
