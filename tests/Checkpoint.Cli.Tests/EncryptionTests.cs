using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Xunit;

namespace Checkpoint.Cli.Tests;

/// <summary>An encrypted SQLite file read with the key from an environment variable, and without it.</summary>
public sealed class EncryptionTests : IClassFixture<TestDatabases>, IDisposable
{
    private readonly TestDatabases _databases;
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);
    private readonly string _variable = "CKPT_TEST_KEY_" + Guid.NewGuid().ToString("N");

    public EncryptionTests(TestDatabases databases)
    {
        _databases = databases;
        Environment.SetEnvironmentVariable(_variable, Convert.ToBase64String(_key));
    }

    public void Dispose() => Environment.SetEnvironmentVariable(_variable, null);

    [Fact]
    public async Task With_the_key_every_command_reads_the_state()
    {
        var path = await EncryptedAsync();
        var (code, output) = await Ckpt.RunAsync("show", "t", "--json", "--key-env", _variable, "--db", "sqlite:" + path);
        Assert.Equal(ExitCodes.Ok, code);
        Assert.Equal("Let me calculate 9*9.", JsonNode.Parse(output)!["state"]!["Messages"]![1]!["Content"]!.GetValue<string>());
        (code, output) = await Ckpt.RunAsync("verify", "--key-env", _variable, "--db", "sqlite:" + path);
        Assert.Equal(ExitCodes.Ok, code);
        Assert.DoesNotContain(Convert.ToBase64String(_key), output, StringComparison.Ordinal);

        // A hex key works too.
        Environment.SetEnvironmentVariable(_variable, Convert.ToHexString(_key));
        Assert.Equal(ExitCodes.Ok, (await Ckpt.RunAsync("history", "t", "--key-env", _variable, "--db", "sqlite:" + path)).Code);
    }

    [Fact]
    public async Task Without_the_key_or_with_another_the_error_says_so_and_never_prints_a_key()
    {
        var path = await EncryptedAsync();
        var (code, output) = await Ckpt.RunAsync("show", "t", "--db", "sqlite:" + path);
        Assert.Equal(ExitCodes.Failure, code);
        Assert.Contains("The database is encrypted: put its key in an environment variable and pass --key-env NAME.", output.ReplaceLineEndings(""), StringComparison.Ordinal);

        var other = "CKPT_TEST_OTHER_" + Guid.NewGuid().ToString("N");
        var otherKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        Environment.SetEnvironmentVariable(other, otherKey);
        try
        {
            (code, output) = await Ckpt.RunAsync("verify", "--key-env", other, "--db", "sqlite:" + path);
            Assert.Equal(ExitCodes.Failure, code);
            Assert.DoesNotContain(otherKey, output, StringComparison.Ordinal);
            Assert.DoesNotContain(Convert.ToBase64String(_key), output, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable(other, null);
        }
    }

    [Fact]
    public async Task A_missing_or_malformed_key_variable_is_a_usage_error_naming_the_variable_only()
    {
        var path = await EncryptedAsync();
        var unset = "CKPT_TEST_UNSET_" + Guid.NewGuid().ToString("N");
        var (code, output) = await Ckpt.RunAsync("threads", "--key-env", unset, "--db", "sqlite:" + path);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains(unset, output, StringComparison.Ordinal);

        Environment.SetEnvironmentVariable(_variable, "not-a-key-s3cr3t");
        (code, output) = await Ckpt.RunAsync("threads", "--key-env", _variable, "--db", "sqlite:" + path);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains(_variable, output, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_encrypted_thread_round_trips_through_export_and_stays_encrypted()
    {
        var path = await EncryptedAsync();
        var file = Path.Combine(_databases.Root, $"{Guid.NewGuid():N}.jsonl");
        Assert.Equal(ExitCodes.Ok, (await Ckpt.RunAsync("export", "t", "-o", file, "--key-env", _variable, "--db", "sqlite:" + path)).Code);
        Assert.DoesNotContain("9*9", await File.ReadAllTextAsync(file), StringComparison.Ordinal);

        var target = _databases.NewPath("encrypted-copy");
        Assert.Equal(ExitCodes.Ok, (await Ckpt.RunAsync("import", file, "--key-env", _variable, "--db", "sqlite:" + target)).Code);
        var (_, before) = await Ckpt.RunAsync("show", "t", "--json", "--key-env", _variable, "--db", "sqlite:" + path);
        var (code, after) = await Ckpt.RunAsync("show", "t", "--json", "--key-env", _variable, "--db", "sqlite:" + target);
        Assert.Equal(ExitCodes.Ok, code);
        Assert.Equal(before, after);
        Assert.Equal(ExitCodes.Failure, (await Ckpt.RunAsync("show", "t", "--db", "sqlite:" + target)).Code);
    }

    private async Task<string> EncryptedAsync()
    {
        var path = _databases.NewPath("encrypted");
        await using var saver = TestDatabases.Encrypted(path, _key);
        await TestDatabases.PausedThreadAsync(saver, "t", "What is 9 x 9?");
        return path;
    }
}
