using System.Net;
using System.Text.Json;
using Checkpoint.DurableTask;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.DurableTask.Client;

namespace Checkpoint.Examples.AzureFunctions;

/// <summary>HTTP API: start a run, read its state or any checkpoint, resume an interrupt.</summary>
public sealed class RunsApi(GraphRegistry graphs)
{
    private CompiledGraph<ReviewState> Graph => graphs.Graph<ReviewState>(ReviewGraph.Name);

    /// <summary>POST /runs/{threadId} with a ReviewState body (e.g. {"topic":"durable graphs"}): writes the input checkpoint and starts the orchestration.</summary>
    [Function("StartRun")]
    public async Task<HttpResponseData> StartRun(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "runs/{threadId}")] HttpRequestData request,
        [DurableClient] DurableTaskClient client,
        string threadId)
    {
        var input = await JsonSerializer.DeserializeAsync<ReviewState>(request.Body, JsonSerializerOptions.Web) ?? new ReviewState();
        var instanceId = await client.StartGraphRunAsync(graphs, ReviewGraph.Name, threadId, input);
        var response = request.CreateResponse();
        await response.WriteAsJsonAsync(new { threadId, instanceId });
        response.StatusCode = HttpStatusCode.Accepted;
        return response;
    }

    /// <summary>GET /runs/{threadId}: the thread's latest state, read from the checkpoint saver, and the orchestration status.</summary>
    [Function("GetRun")]
    public async Task<HttpResponseData> GetRun(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "runs/{threadId}")] HttpRequestData request,
        [DurableClient] DurableTaskClient client,
        string threadId)
    {
        var snapshot = await Graph.GetStateAsync(RunConfig.ForThread(threadId));
        if (snapshot is null)
        {
            return request.CreateResponse(HttpStatusCode.NotFound);
        }

        var instance = await client.GetInstanceAsync(GraphOrchestration.InstanceIdFor(threadId));
        var response = request.CreateResponse();
        await response.WriteAsJsonAsync(RunView.From(snapshot, instance?.RuntimeStatus.ToString()));
        return response;
    }

    /// <summary>GET /checkpoints/{id}: any checkpoint by id (time travel), from any process on the same saver.</summary>
    [Function("GetCheckpoint")]
    public async Task<HttpResponseData> GetCheckpoint(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "checkpoints/{id:guid}")] HttpRequestData request,
        Guid id)
    {
        var snapshot = await Graph.GetStateAsync(id);
        if (snapshot is null)
        {
            return request.CreateResponse(HttpStatusCode.NotFound);
        }

        var response = request.CreateResponse();
        await response.WriteAsJsonAsync(RunView.From(snapshot, orchestrationStatus: null));
        return response;
    }

    /// <summary>POST /runs/{threadId}/resume with a JSON value (e.g. "approve"): raises the resume event; the interrupted node receives the value.</summary>
    [Function("ResumeRun")]
    public async Task<HttpResponseData> ResumeRun(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "runs/{threadId}/resume")] HttpRequestData request,
        [DurableClient] DurableTaskClient client,
        string threadId)
    {
        using var body = await JsonDocument.ParseAsync(request.Body);
        await client.ResumeGraphRunAsync(threadId, body.RootElement.Clone());
        return request.CreateResponse(HttpStatusCode.Accepted);
    }
}
