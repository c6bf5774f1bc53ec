using System.Net;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.DurableTask.Client;
using PlantFunctions.Contracts.Instances;
using PlantFunctions.Contracts.Training;
using PlantFunctions.Pipeline.Training;

namespace PlantFunctions.Functions.Http;

/// <summary><c>/api/training-jobs</c>: start (202 with Durable's check-status payload), status, terminate, purge.</summary>
public sealed class TrainingHttpFunctions(TrainingStarter starter)
{
    /// <summary>POST /api/training-jobs.</summary>
    [Function("StartTrainingJob")]
    public Task<HttpResponseData> StartAsync([HttpTrigger(AuthorizationLevel.Function, "post", Route = "training-jobs")] HttpRequestData request,
        [DurableClient] DurableTaskClient client, CancellationToken cancellationToken) =>
        HttpAnswers.GuardAsync(request, async () =>
        {
            var body = await HttpAnswers.ReadJsonAsync<TrainingJobRequest>(request).ConfigureAwait(false);
            string id = await starter.StartAsync(client, body, cancellationToken).ConfigureAwait(false);
            return await client.CreateCheckStatusResponseAsync(request, id, cancellationToken).ConfigureAwait(false);
        });

    /// <summary>GET /api/training-jobs/{id}.</summary>
    [Function("GetTrainingJob")]
    public static Task<HttpResponseData> GetAsync([HttpTrigger(AuthorizationLevel.Function, "get", Route = "training-jobs/{id}")] HttpRequestData request,
        string id, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken) =>
        HttpAnswers.GuardAsync(request, async () =>
            await HttpAnswers.StatusAsync(request, await TrainingStarter.GetAsync(client, id, cancellationToken).ConfigureAwait(false), $"no training job '{id}'")
                .ConfigureAwait(false));

    /// <summary>POST /api/training-jobs/{id}/terminate?reason=.</summary>
    [Function("TerminateTrainingJob")]
    public Task<HttpResponseData> TerminateAsync([HttpTrigger(AuthorizationLevel.Function, "post", Route = "training-jobs/{id}/terminate")] HttpRequestData request,
        string id, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken) =>
        HttpAnswers.GuardAsync(request, async () =>
        {
            await starter.TerminateAsync(client, id, request.Query["reason"], cancellationToken).ConfigureAwait(false);
            return request.CreateResponse(HttpStatusCode.Accepted);
        });

    /// <summary>DELETE /api/training-jobs/{id}.</summary>
    [Function("PurgeTrainingJob")]
    public Task<HttpResponseData> PurgeAsync([HttpTrigger(AuthorizationLevel.Function, "delete", Route = "training-jobs/{id}")] HttpRequestData request,
        string id, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken) =>
        HttpAnswers.GuardAsync(request, async () =>
            await HttpAnswers.JsonAsync(request, new PurgeResponse(await starter.PurgeAsync(client, id, cancellationToken).ConfigureAwait(false))).ConfigureAwait(false));
}
