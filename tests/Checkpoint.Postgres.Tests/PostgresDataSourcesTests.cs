using Npgsql;
using Xunit;

namespace Checkpoint.Postgres.Tests;

/// <summary>Data sources made from a connection string prepare their statements, unless the string says otherwise.</summary>
public sealed class PostgresDataSourcesTests
{
    [Fact]
    public void Automatic_preparation_is_turned_on_unless_the_connection_string_sets_it()
    {
        var added = new NpgsqlConnectionStringBuilder(PostgresDataSources.WithAutoPrepare("Host=db;Username=app"));
        var kept = new NpgsqlConnectionStringBuilder(PostgresDataSources.WithAutoPrepare("Host=db;Username=app;Max Auto Prepare=0"));

        Assert.Equal((PostgresDataSources.DefaultMaxAutoPrepare, 2, "db"), (added.MaxAutoPrepare, added.AutoPrepareMinUsages, added.Host));
        Assert.Equal(0, kept.MaxAutoPrepare);
    }
}
