using System.Net;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.DurableTask.Client;
using PlantFunctions.Contracts.Batches;
using PlantFunctions.Contracts.Instances;
using PlantFunctions.Pipeline.Batches;

namespace PlantFunctions.Functions.Http;

/// <summary><c>/api/batches</c>: start (202 with Durable's own check-status payload), status, terminate (then close out), purge. Function keys by Functions' authorization level.</summary>
public sealed class BatchHttpFunctions(BatchStarter starter)
{
    /// <summary>POST /api/batches.</summary>
    [Function("StartBatch")]
    public Task<HttpResponseData> StartAsync([HttpTrigger(AuthorizationLevel.Function, "post", Route = "batches")] HttpRequestData request,
        [DurableClient] DurableTaskClient client, CancellationToken cancellationToken) =>
        HttpAnswers.GuardAsync(request, async () =>
        {
            var body = await HttpAnswers.ReadJsonAsync<BatchStartRequest>(request).ConfigureAwait(false);
            string id = await starter.StartAsync(client, body, "api", cancellationToken).ConfigureAwait(false);
            return await client.CreateCheckStatusResponseAsync(request, id, cancellationToken).ConfigureAwait(false);
        });

    /// <summary>GET /api/batches/{id}.</summary>
    [Function("GetBatch")]
    public static Task<HttpResponseData> GetAsync([HttpTrigger(AuthorizationLevel.Function, "get", Route = "batches/{id}")] HttpRequestData request,
        string id, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken) =>
        HttpAnswers.GuardAsync(request, async () =>
            await HttpAnswers.StatusAsync(request, await BatchStarter.GetAsync(client, id, cancellationToken).ConfigureAwait(false), $"no batch '{id}'").ConfigureAwait(false));

    /// <summary>POST /api/batches/{id}/terminate?reason=.</summary>
    [Function("TerminateBatch")]
    public Task<HttpResponseData> TerminateAsync([HttpTrigger(AuthorizationLevel.Function, "post", Route = "batches/{id}/terminate")] HttpRequestData request,
        string id, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken) =>
        HttpAnswers.GuardAsync(request, async () =>
        {
            await starter.TerminateAsync(client, id, request.Query["reason"], cancellationToken).ConfigureAwait(false);
            return request.CreateResponse(HttpStatusCode.Accepted);
        });

    /// <summary>DELETE /api/batches/{id}.</summary>
    [Function("PurgeBatch")]
    public Task<HttpResponseData> PurgeAsync([HttpTrigger(AuthorizationLevel.Function, "delete", Route = "batches/{id}")] HttpRequestData request,
        string id, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken) =>
        HttpAnswers.GuardAsync(request, async () =>
            await HttpAnswers.JsonAsync(request, new PurgeResponse(await starter.PurgeAsync(client, id, cancellationToken).ConfigureAwait(false))).ConfigureAwait(false));
}
