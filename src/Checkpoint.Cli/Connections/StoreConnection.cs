using System.Data.Common;
using System.Globalization;

namespace Checkpoint.Cli.Connections;

/// <summary>
/// The one connection argument every command takes: <c>sqlite:PATH</c>, a PostgreSQL connection string
/// (<c>Host=…;…</c> or <c>postgres://user:password@host:port/database</c>, with an optional <c>Schema=</c> key or
/// <c>?schema=</c> parameter) or <c>redis://host:port/prefix</c>.
/// </summary>
internal sealed record StoreConnection(StoreKind Kind, string Target, string? Scope)
{
    /// <summary>The default PostgreSQL schema and Redis key prefix (the savers' own defaults).</summary>
    public const string DefaultPostgresSchema = "checkpoint";

    public const string DefaultRedisPrefix = "ckpt";

    /// <summary>What the connection names, for messages: never a password.</summary>
    public string Description => Kind switch
    {
        StoreKind.Sqlite => $"SQLite file '{Target}'",
        StoreKind.Postgres => $"PostgreSQL {PostgresSummary(Target)} schema '{Scope}'",
        _ => $"Redis {Target.Split(',')[0]} prefix '{Scope}'",
    };

    /// <summary>Parses a connection argument; a <see cref="CliException"/> with the usage exit code names what is wrong.</summary>
    public static StoreConnection Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw CliException.Usage("No database given: pass --db (or set CKPT_DB) to sqlite:PATH, a PostgreSQL connection string, or redis://host:port/prefix.");
        }

        text = text.Trim();
        if (text.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase))
        {
            var path = text["sqlite:".Length..];
            return path.Length == 0
                ? throw CliException.Usage("The connection 'sqlite:' names no file: write sqlite:PATH, e.g. sqlite:agent.db.")
                : new StoreConnection(StoreKind.Sqlite, Path.GetFullPath(path), null);
        }

        if (text.StartsWith("redis://", StringComparison.OrdinalIgnoreCase))
        {
            return ParseRedis(text);
        }

        if (text.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
        {
            return ParsePostgresUrl(text);
        }

        if (text.Contains('=', StringComparison.Ordinal))
        {
            return ParsePostgresKeywords(text);
        }

        throw CliException.Usage(
            $"Cannot tell which database '{Redact(text)}' names: write sqlite:PATH, a PostgreSQL connection string " +
            "(Host=...;Database=... or postgres://user@host:port/database), or redis://host:port/prefix.");
    }

    private static StoreConnection ParseRedis(string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Host.Length == 0)
        {
            throw CliException.Usage($"'{Redact(text)}' is not a Redis URL: write redis://host:port/prefix.");
        }

        var port = uri.IsDefaultPort || uri.Port < 0 ? 6379 : uri.Port;
        var prefix = Uri.UnescapeDataString(uri.AbsolutePath.Trim('/'));
        var configuration = string.Create(CultureInfo.InvariantCulture, $"{uri.Host}:{port}");
        if (uri.UserInfo.Split(':', 2) is [var user, var password])
        {
            configuration += $",password={Uri.UnescapeDataString(password)}" + (user.Length > 0 ? $",user={Uri.UnescapeDataString(user)}" : "");
        }

        return new StoreConnection(StoreKind.Redis, configuration, prefix.Length == 0 ? DefaultRedisPrefix : prefix);
    }

    private static StoreConnection ParsePostgresUrl(string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Host.Length == 0)
        {
            throw CliException.Usage($"'{Redact(text)}' is not a PostgreSQL URL: write postgres://user:password@host:port/database.");
        }

        var builder = new DbConnectionStringBuilder { ["Host"] = uri.Host };
        if (!uri.IsDefaultPort && uri.Port > 0)
        {
            builder["Port"] = uri.Port.ToString(CultureInfo.InvariantCulture);
        }

        if (uri.AbsolutePath.Trim('/') is { Length: > 0 } database)
        {
            builder["Database"] = Uri.UnescapeDataString(database);
        }

        var userInfo = uri.UserInfo.Split(':', 2);
        if (userInfo[0].Length > 0)
        {
            builder["Username"] = Uri.UnescapeDataString(userInfo[0]);
        }

        if (userInfo.Length == 2)
        {
            builder["Password"] = Uri.UnescapeDataString(userInfo[1]);
        }

        var schema = DefaultPostgresSchema;
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var (key, value) = pair.Split('=', 2) is [var k, var v] ? (Uri.UnescapeDataString(k), Uri.UnescapeDataString(v)) : (pair, "");
            if (key.Equals("schema", StringComparison.OrdinalIgnoreCase))
            {
                schema = value;
            }
            else
            {
                builder[key] = value;
            }
        }

        return new StoreConnection(StoreKind.Postgres, builder.ConnectionString, schema);
    }

    private static StoreConnection ParsePostgresKeywords(string text)
    {
        DbConnectionStringBuilder builder;
        try
        {
            builder = new DbConnectionStringBuilder { ConnectionString = text };
        }
        catch (ArgumentException)
        {
            throw CliException.Usage($"'{Redact(text)}' is not a valid connection string (Key=Value pairs separated by ';').");
        }

        if (!builder.ContainsKey("Host") && !builder.ContainsKey("Server"))
        {
            throw CliException.Usage($"The connection string '{Redact(text)}' has no Host: a PostgreSQL connection string needs Host=...");
        }

        var schema = DefaultPostgresSchema;
        if (builder.TryGetValue("Schema", out var value))
        {
            schema = Convert.ToString(value, CultureInfo.InvariantCulture) ?? DefaultPostgresSchema;
            builder.Remove("Schema");
        }

        return new StoreConnection(StoreKind.Postgres, builder.ConnectionString, schema);
    }

    /// <summary>Host, port and database of a PostgreSQL connection string (no credentials).</summary>
    private static string PostgresSummary(string connectionString)
    {
        var builder = new DbConnectionStringBuilder { ConnectionString = connectionString };
        string Part(string key) => builder.TryGetValue(key, out var v) ? Convert.ToString(v, CultureInfo.InvariantCulture) ?? "" : "";
        var port = Part("Port");
        return $"{Part("Host")}{(port.Length > 0 ? ":" + port : "")}/{Part("Database")}";
    }

    /// <summary>A connection text with any password replaced, safe to print.</summary>
    internal static string Redact(string text)
    {
        var redacted = System.Text.RegularExpressions.Regex.Replace(
            text, "(password|pwd)\\s*=[^;]*", "$1=***", System.Text.RegularExpressions.RegexOptions.IgnoreCase);
        return System.Text.RegularExpressions.Regex.Replace(redacted, "://([^:/@]*):[^@/]*@", "://$1:***@");
    }
}
