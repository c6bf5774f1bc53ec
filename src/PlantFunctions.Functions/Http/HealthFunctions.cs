using System.Net;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using PlantFunctions.Contracts.Instances;
using PlantFunctions.Pipeline.Storage;

namespace PlantFunctions.Functions.Http;

/// <summary>Anonymous <c>/api/health</c> and <c>/api/health/ready</c>: the status word only, nothing about the account or the models.</summary>
public sealed class HealthFunctions(StorageProbe storage)
{
    /// <summary>GET /api/health: the worker answers.</summary>
    [Function("Health")]
    public static Task<HttpResponseData> LiveAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequestData request) =>
        HttpAnswers.JsonAsync(request, new HealthResponse("Healthy"));

    /// <summary>
    /// GET /api/health/ready: storage answers. Any storage failure, and no answer within <c>Plant:HealthProbeTimeout</c>
    /// (5 s), is a quick 503; the answer is reused for <c>Plant:HealthCacheDuration</c> (5 s), so probes cost at most one
    /// storage call each few seconds.
    /// </summary>
    [Function("HealthReady")]
    public async Task<HttpResponseData> ReadyAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health/ready")] HttpRequestData request,
        CancellationToken cancellationToken)
    {
        var probe = await storage.CheckAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        return probe.Reachable
            ? await HttpAnswers.JsonAsync(request, new HealthResponse("Healthy")).ConfigureAwait(false)
            : await HttpAnswers.JsonAsync(request, new HealthResponse("Unhealthy"), HttpStatusCode.ServiceUnavailable).ConfigureAwait(false);
    }
}
