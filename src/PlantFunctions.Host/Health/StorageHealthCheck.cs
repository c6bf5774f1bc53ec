using Azure;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using PlantFunctions.Pipeline.Storage;

namespace PlantFunctions.Host.Health;

/// <summary>Ready when the storage account answers (the models table of the task hub).</summary>
internal sealed class StorageHealthCheck(PlantStorage storage) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await foreach (var _ in storage.Models.QueryAsync<Azure.Data.Tables.TableEntity>(maxPerPage: 1, cancellationToken: cancellationToken).AsPages().ConfigureAwait(false))
            {
                break;
            }

            return HealthCheckResult.Healthy($"storage account '{storage.Account.AccountName}', task hub '{storage.TaskHub}'");
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
