using Microsoft.Extensions.Diagnostics.HealthChecks;
using PlantFunctions.Pipeline.Storage;

namespace PlantFunctions.Host.Health;

/// <summary>
/// Ready when the storage account answers (the models table of the task hub), within <c>Plant:HealthProbeTimeout</c>;
/// the answer is reused for <c>Plant:HealthCacheDuration</c> (see <see cref="StorageProbe"/>).
/// </summary>
internal sealed class StorageHealthCheck(StorageProbe storage) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var probe = await storage.CheckAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        return probe.Reachable ? HealthCheckResult.Healthy(probe.Description) : HealthCheckResult.Unhealthy(probe.Description);
    }
}
