using System.Net;
using Azure;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using PlantFunctions.Contracts.Instances;
using PlantFunctions.Pipeline.Storage;

namespace PlantFunctions.Functions.Http;

/// <summary>Anonymous <c>/api/health</c> and <c>/api/health/ready</c>: the status word only, nothing about the account or the models.</summary>
public sealed class HealthFunctions(PlantStorage storage)
{
    /// <summary>GET /api/health: the worker answers.</summary>
    [Function("Health")]
    public static Task<HttpResponseData> LiveAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequestData request) =>
        HttpAnswers.JsonAsync(request, new HealthResponse("Healthy"));

    /// <summary>GET /api/health/ready: storage answers (503 when it does not).</summary>
    [Function("HealthReady")]
    public async Task<HttpResponseData> ReadyAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health/ready")] HttpRequestData request,
        CancellationToken cancellationToken)
    {
        try
        {
            await storage.Models.QueryAsync<Azure.Data.Tables.TableEntity>(maxPerPage: 1, cancellationToken: cancellationToken).AsPages().GetAsyncEnumerator(cancellationToken)
                .MoveNextAsync().ConfigureAwait(false);
            return await HttpAnswers.JsonAsync(request, new HealthResponse("Healthy")).ConfigureAwait(false);
        }
        catch (RequestFailedException)
        {
            return await HttpAnswers.JsonAsync(request, new HealthResponse("Unhealthy"), HttpStatusCode.ServiceUnavailable).ConfigureAwait(false);
        }
    }
}
