using Azure.Storage.Blobs.Models;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using PlantFunctions.Contracts;
using PlantFunctions.Pipeline.Storage;

namespace PlantFunctions.Pipeline.Batches;

/// <summary>
/// Gives every shard of a terminated run that has no result blob one with an error record per note. Returns false when
/// the run's notes have not been read yet (no plan): the caller waits and asks again.
/// </summary>
[DurableTask(TaskNames.CloseOutShards)]
public sealed partial class CloseOutShardsActivity(PlantStorage storage, ILogger<CloseOutShardsActivity> logger) : TaskActivity<CloseOutInput, bool>
{
    /// <inheritdoc />
    public override async Task<bool> RunAsync(TaskActivityContext context, CloseOutInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var batch = input.Batch;
        var plan = (await RunScopedBlobs.ReadOfRunAsync(storage.Results.GetBlobClient(BatchPaths.Plan(batch.BatchId, batch.RunId)), batch.RunId).ConfigureAwait(false))
            ?.Content.ToObjectFromJson<BatchPlan>(PlantJson.Options);
        if (plan is null)
        {
            return false;
        }

        var done = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var blob in storage.Results.GetBlobsAsync(BlobTraits.Metadata, BlobStates.None, BatchPaths.ShardResultsPrefix(batch.BatchId), CancellationToken.None)
                           .ConfigureAwait(false))
        {
            if (RunScopedBlobs.IsOfRun(blob.Metadata, batch.RunId))
            {
                done.Add(blob.Name);
            }
        }

        string reason = $"not coded: the batch was {input.Reason}";
        int closed = 0;
        for (int shard = 0; shard < plan.Shards; shard++)
        {
            if (done.Contains(BatchPaths.ShardResult(batch.BatchId, shard)))
            {
                continue;
            }

            var content = (await storage.Results.GetBlobClient(BatchPaths.ShardInput(batch.BatchId, batch.RunId, plan.PlanId, shard)).DownloadContentAsync().ConfigureAwait(false)).Value.Content;
            var records = ShardFiles.ParseInput(content).Select(r => ShardFiles.Failed(r, r.Error ?? reason)).ToList();
            var metadata = new Dictionary<string, string> { [ShardFiles.OutcomeKey] = "terminated" };
            var (_, _, later) = await ShardFiles.WriteResultOnceAsync(storage, batch.BatchId, batch.RunId, shard, records, metadata, CancellationToken.None).ConfigureAwait(false);
            if (later is not null)
            {
                return true;   // a later run of the batch id owns the results now: nothing of this run is written any more
            }

            closed++;
        }

        LogClosedOut(logger, batch.BatchId, closed, plan.Shards);
        return true;
    }

    [LoggerMessage(EventId = 2300, Level = LogLevel.Information, Message = "Terminated batch {BatchId}: {Closed} of {Shards} shards got error records")]
    private static partial void LogClosedOut(ILogger logger, string batchId, int closed, int shards);
}
