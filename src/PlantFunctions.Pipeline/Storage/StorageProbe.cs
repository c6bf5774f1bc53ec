using Microsoft.Extensions.Options;
using PlantFunctions.Pipeline.Configuration;

namespace PlantFunctions.Pipeline.Storage;

/// <summary>What <see cref="StorageProbe"/> found.</summary>
/// <param name="Reachable">Whether storage answered in time.</param>
/// <param name="Description">What was checked, or why it failed (for callers with a key; never shown anonymously).</param>
public sealed record StorageProbeResult(bool Reachable, string Description);

/// <summary>
/// The readiness check's storage call, shared by both hosts' <c>/api/health/ready</c>: one small query of the models
/// table, bounded by <see cref="Timeout"/> (the storage client alone retries for about 40 s), any failure (a status,
/// an aggregate of the client's tries, a dropped connection, the time bound) is "not reachable", and the answer is
/// kept for <see cref="CacheFor"/> so that anonymous probes cost at most one storage call per few seconds, however
/// often they come (concurrent probes share the call in flight).
/// </summary>
public sealed class StorageProbe(PlantStorage storage, TimeProvider time, IOptions<PlantOptions> plant)
{
    private readonly Lock gate = new();
    private Task<StorageProbeResult>? current;
    private DateTimeOffset answeredAt = DateTimeOffset.MinValue;

    /// <summary>The longest a probe waits for storage.</summary>
    public TimeSpan Timeout => plant.Value.HealthProbeTimeout;

    /// <summary>How long an answer is reused.</summary>
    public TimeSpan CacheFor => plant.Value.HealthCacheDuration;

    /// <summary>Whether storage is reachable: the cached answer when it is fresh, else a new bounded probe.</summary>
    public Task<StorageProbeResult> CheckAsync()
    {
        lock (gate)
        {
            if (current is null || (current.IsCompleted && time.GetUtcNow() - answeredAt >= CacheFor))
            {
                current = ProbeAsync();
            }

            return current;
        }
    }

    private async Task<StorageProbeResult> ProbeAsync()
    {
        var result = await QueryAsync().ConfigureAwait(false);
        lock (gate)
        {
            answeredAt = time.GetUtcNow();   // kept from when it was answered
        }

        return result;
    }

    private async Task<StorageProbeResult> QueryAsync()
    {
        using var bounded = new CancellationTokenSource(Timeout, time);
        try
        {
            await foreach (var _ in storage.Models.QueryAsync<Azure.Data.Tables.TableEntity>(maxPerPage: 1, cancellationToken: bounded.Token).AsPages()
                               .ConfigureAwait(false))
            {
                break;
            }

            return new StorageProbeResult(true, $"storage account '{storage.Account.AccountName}', task hub '{storage.TaskHub}'");
        }
        catch (OperationCanceledException) when (bounded.IsCancellationRequested)
        {
            return new StorageProbeResult(false, $"storage did not answer within {Timeout.TotalSeconds:N0} s");
        }
        catch (Exception ex)
        {
            return new StorageProbeResult(false, $"storage not reachable: {Describe(ex)}");
        }
    }

    private static string Describe(Exception ex) => ex switch
    {
        Azure.RequestFailedException { Status: > 0 } failed => $"{failed.Status} {failed.ErrorCode}",
        AggregateException aggregate => Describe(aggregate.InnerExceptions[^1]),
        _ => ex.GetBaseException().Message,
    };
}
