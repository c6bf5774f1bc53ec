using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using PlantFunctions.Pipeline.Coding;
using PlantFunctions.Pipeline.Hosting;

namespace PlantFunctions.Host.Health;

/// <summary>For a worker: ready when a model loader is registered; reports the model versions loaded so far (to callers with a key).</summary>
internal sealed class ModelHealthCheck(IOptions<LocalHostOptions> host, CoderCache coders) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!host.Value.ParsedRoles.HasFlag(PlantRoles.Worker))
        {
            return Task.FromResult(HealthCheckResult.Healthy("not a worker"));
        }

        return Task.FromResult(coders.HasLoader
            ? HealthCheckResult.Healthy("model loader registered", new Dictionary<string, object> { ["loaded"] = coders.Loaded })
            : HealthCheckResult.Unhealthy(PlantModelRegistration.MissingLoaderMessage));
    }
}
