using Checkpoint.DurableTask;
using Checkpoint.Examples.AzureFunctions;
using Checkpoint.Hosting;
using Checkpoint.Postgres;
using Checkpoint.Sqlite;
using Checkpoint.Storage;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

// Isolated-worker Functions app: the graph runs as a Durable orchestration, checkpoints go to the saver named by
// Checkpoint:Saver (app setting Checkpoint__Saver): SQLite on one machine, PostgreSQL once the app scales out, so
// GET /runs/{threadId} and GET /checkpoints/{id} read state from any instance during and after a run.
var builder = FunctionsApplication.CreateBuilder(args);

builder.Services.AddCheckpoint(b => b.UseConfiguredSaver(builder.Configuration.GetSection("Checkpoint"), new Dictionary<string, Action<CheckpointBuilder, IConfiguration>>
{
    ["Sqlite"] = (b, section) => b.UseSqlite(section),
    ["Postgres"] = (b, section) => b.UsePostgres(section),
}));
builder.Services.AddSingleton(services =>
{
    var graphs = new GraphRegistry(services.GetRequiredService<CheckpointSaver>(), new DurableGraphOptions { ContinueAsNewEvery = 10 });
    graphs.Add(ReviewGraph.Name, ReviewGraph.Build());
    return graphs;
});
builder.Services.AddSingleton(services => new GraphActivities(services.GetRequiredService<GraphRegistry>()));

await builder.Build().RunAsync();
