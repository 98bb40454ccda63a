using Checkpoint.Memory;
using Npgsql;
using NpgsqlTypes;

namespace Checkpoint.Postgres;

/// <summary>
/// The part of <see cref="MemoryFilter.Matches"/> that columns can decide (namespace range, expiry,
/// kinds, subject, time bounds) as a SQL fragment over the alias <c>m</c>, with its parameters. The
/// rest (metadata, entities; the subject when encrypted, its column being NULL) lives only in the
/// encrypted body, so rows are decoded and checked with <see cref="MemoryFilter.Matches"/> as well.
/// </summary>
internal sealed class PostgresMemoryFilter
{
    private PostgresMemoryFilter(string sql, IReadOnlyList<NpgsqlParameter> parameters, bool needsClient)
    {
        Sql = sql;
        Parameters = parameters;
        NeedsClientCheck = needsClient;
    }

    /// <summary>The condition, to put after WHERE.</summary>
    public string Sql { get; }

    /// <summary>Its parameters (fresh per command: clone before reuse).</summary>
    public IReadOnlyList<NpgsqlParameter> Parameters { get; }

    /// <summary>True when some filter is checked only after decoding (rows may then be dropped).</summary>
    public bool NeedsClientCheck { get; }

    /// <summary>The filter of <paramref name="query"/>; with <paramref name="encrypts"/> the subject is left to the client.</summary>
    public static PostgresMemoryFilter For(CandidateQuery query, bool encrypts)
    {
        var search = query.Search;
        var parts = new List<string> { "m.ns >= @low", "m.ns < @high", "(m.expires IS NULL OR m.expires > @now)" };
        var parameters = new List<NpgsqlParameter>
        {
            new NpgsqlParameter<string>("low", search.NamespacePrefix.StorageKey),
            new NpgsqlParameter<string>("high", search.NamespacePrefix.StorageKeyUpperBound),
            new NpgsqlParameter<long>("now", query.Now.UtcTicks),
        };
        if (search.Kinds.Count > 0)
        {
            parts.Add("m.kind = ANY(@kinds)");
            parameters.Add(new NpgsqlParameter<int[]>("kinds", search.Kinds.Select(kind => (int)kind).ToArray()));
        }

        if (search.SubjectId is { } subject && !encrypts)
        {
            parts.Add("m.subject = @subject");
            parameters.Add(new NpgsqlParameter<string>("subject", subject));
        }

        AddBound(search.CreatedAfter, "m.created >", "created_after");
        AddBound(search.CreatedBefore, "m.created <", "created_before");
        AddBound(search.UpdatedAfter, "m.updated >", "updated_after");
        AddBound(search.UpdatedBefore, "m.updated <", "updated_before");
        var needsClient = search.Metadata.Count > 0 || search.Entity is not null || (encrypts && search.SubjectId is not null);
        return new PostgresMemoryFilter(string.Join(" AND ", parts), parameters, needsClient);

        void AddBound(DateTimeOffset? bound, string condition, string name)
        {
            if (bound is { } time)
            {
                parts.Add($"{condition} @{name}");
                parameters.Add(new NpgsqlParameter<long>(name, time.UtcTicks));
            }
        }
    }

    /// <summary>A command with the filter's parameters and <paramref name="extra"/> ones.</summary>
    public NpgsqlCommand Command(NpgsqlConnection connection, string sql, params NpgsqlParameter[] extra)
    {
        var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in Parameters)
        {
            command.Parameters.Add(parameter.Clone());
        }

        command.Parameters.AddRange(extra);
        return command;
    }

    /// <summary>A <c>real[]</c> parameter.</summary>
    public static NpgsqlParameter Vector(string name, ReadOnlyMemory<float>? vector) =>
        new(name, NpgsqlDbType.Array | NpgsqlDbType.Real) { Value = vector is { } v ? v.ToArray() : DBNull.Value };
}
