using Azure;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using PlantFunctions.Pipeline.Storage;

namespace PlantFunctions.Host.Health;

/// <summary>Ready when the task hub's work-item queue answers.</summary>
internal sealed class StorageHealthCheck(TaskHub hub) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var properties = await hub.WorkItems.GetPropertiesAsync(cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy($"storage account '{hub.Account.AccountName}', task hub '{hub.Name}'",
                new Dictionary<string, object> { ["workItems"] = properties.Value.ApproximateMessagesCount });
        }
        catch (RequestFailedException ex)
        {
            return HealthCheckResult.Unhealthy($"storage not reachable: {ex.Status} {ex.ErrorCode}");
        }
        catch (HttpRequestException ex)
        {
            return HealthCheckResult.Unhealthy($"storage not reachable: {ex.Message}");
        }
    }
}
