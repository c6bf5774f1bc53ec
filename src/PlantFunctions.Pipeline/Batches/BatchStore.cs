using Azure;
using Azure.Data.Tables;
using PlantFunctions.Pipeline.Orchestration;
using PlantFunctions.Pipeline.Storage;

namespace PlantFunctions.Pipeline.Batches;

/// <summary>Batch, shard and progress rows, every change guarded by ETags.</summary>
internal sealed class BatchStore(TaskHub hub, TimeProvider time)
{
    public const string BatchRowKey = "batch";
    public const string ProgressRowKey = "progress";

    public async Task<BatchEntity?> GetBatchAsync(string batchId, CancellationToken cancellationToken = default)
    {
        var response = await hub.Batches.GetEntityIfExistsAsync<BatchEntity>(batchId, BatchRowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        return response.HasValue ? response.Value : null;
    }

    public async Task<bool> TryAddBatchAsync(BatchEntity batch, CancellationToken cancellationToken = default)
    {
        try
        {
            var response = await hub.Batches.AddEntityAsync(batch, cancellationToken).ConfigureAwait(false);
            batch.ETag = response.Headers.ETag ?? default;
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return false;
        }
    }

    /// <summary>Replaces the row if nobody changed it since it was read; <c>false</c> on an ETag mismatch.</summary>
    public async Task<bool> TryReplaceBatchAsync(BatchEntity batch, CancellationToken cancellationToken = default)
    {
        try
        {
            var response = await hub.Batches.UpdateEntityAsync(batch, batch.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            batch.ETag = response.Headers.ETag ?? default;
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 412)
        {
            return false;
        }
    }

    /// <summary>
    /// Reads, changes and writes the batch row until the write wins. <paramref name="change"/> returns <c>false</c> to
    /// leave the row as it is. Returns the row as written (or as found), <c>null</c> when it does not exist.
    /// </summary>
    public async Task<(BatchEntity? Batch, bool Changed)> UpdateBatchAsync(string batchId, Func<BatchEntity, bool> change, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var batch = await GetBatchAsync(batchId, cancellationToken).ConfigureAwait(false);
            if (batch is null || !change(batch))
            {
                return (batch, false);
            }

            batch.LastUpdatedTime = time.GetUtcNow();
            if (await TryReplaceBatchAsync(batch, cancellationToken).ConfigureAwait(false))
            {
                return (batch, true);
            }
        }
    }

    /// <summary>Batches still Pending or Running, and Terminated ones not yet closed out (no summary).</summary>
    public async IAsyncEnumerable<BatchEntity> ListUnfinishedBatchesAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string filter = $"RowKey eq '{BatchRowKey}' and (Status eq 'Pending' or Status eq 'Running' or (Status eq 'Terminated' and SummaryWritten eq false))";
        await foreach (var batch in hub.Batches.QueryAsync<BatchEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            yield return batch;
        }
    }

    public async Task<ShardEntity?> GetShardAsync(string batchId, int shard, CancellationToken cancellationToken = default)
    {
        var response = await hub.Shards.GetEntityIfExistsAsync<ShardEntity>(batchId, BatchPaths.ShardKey(shard), cancellationToken: cancellationToken).ConfigureAwait(false);
        return response.HasValue ? response.Value : null;
    }

    /// <summary>Adds a shard row unless it exists (re-planning keeps the existing row and its state).</summary>
    public async Task<ShardEntity> AddShardIfMissingAsync(ShardEntity shard, CancellationToken cancellationToken = default)
    {
        try
        {
            var response = await hub.Shards.AddEntityAsync(shard, cancellationToken).ConfigureAwait(false);
            shard.ETag = response.Headers.ETag ?? default;
            return shard;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return await GetShardAsync(shard.PartitionKey, shard.Index, cancellationToken).ConfigureAwait(false) ?? shard;
        }
    }

    public async Task<bool> TryReplaceShardAsync(ShardEntity shard, CancellationToken cancellationToken = default)
    {
        try
        {
            var response = await hub.Shards.UpdateEntityAsync(shard, shard.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            shard.ETag = response.Headers.ETag ?? default;
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 412)
        {
            return false;
        }
    }

    public async Task<List<ShardEntity>> ListShardsAsync(string batchId, CancellationToken cancellationToken = default)
    {
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {batchId} and RowKey ge {"shard-"} and RowKey lt {"shard."}");
        var shards = new List<ShardEntity>();
        await foreach (var shard in hub.Shards.QueryAsync<ShardEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            shards.Add(shard);
        }

        return shards;
    }

    public async Task<ProgressEntity?> GetProgressAsync(string batchId, CancellationToken cancellationToken = default)
    {
        var response = await hub.Shards.GetEntityIfExistsAsync<ProgressEntity>(batchId, ProgressRowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        return response.HasValue ? response.Value : null;
    }

    public async Task EnsureProgressAsync(string batchId, CancellationToken cancellationToken = default)
    {
        try
        {
            await hub.Shards.AddEntityAsync(new ProgressEntity { PartitionKey = batchId, LastProgressTime = time.GetUtcNow() }, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            // Planned before: keep the counters.
        }
    }

    /// <summary>
    /// Records a shard's outcome and adds it to the batch counters in one transaction guarded by both rows' ETags, so
    /// exactly one caller records a shard, and the caller whose transaction finishes the last shard sees
    /// <c>ShardsDone == ShardCount</c> first.
    /// </summary>
    public async Task<ShardCompletion> CompleteShardAsync(string batchId, int shard, ShardOutcome outcome, CancellationToken cancellationToken = default)
    {
        for (int attempt = 1; ; attempt++)
        {
            var row = await GetShardAsync(batchId, shard, cancellationToken).ConfigureAwait(false)
                      ?? throw new InvalidOperationException($"batch '{batchId}' has no shard {shard}");
            var progress = await GetProgressAsync(batchId, cancellationToken).ConfigureAwait(false)
                           ?? throw new InvalidOperationException($"batch '{batchId}' has no progress row");
            if (RuntimeStatusExtensions.ParseStatus(row.Status).IsTerminal())
            {
                return new ShardCompletion(false, progress);
            }

            var now = time.GetUtcNow();
            row.Status = outcome.Status.ToString();
            row.NotesCoded = outcome.NotesCoded;
            row.NotesFailed = outcome.NotesFailed;
            row.CodingMilliseconds = outcome.CodingMilliseconds;
            row.CompletedTime = now;
            row.LastError = Truncate(outcome.Error ?? row.LastError);
            if (outcome.Status == RuntimeStatus.Completed)
            {
                progress.ShardsCompleted++;
            }
            else
            {
                progress.ShardsFailed++;
            }

            progress.NotesCoded += outcome.NotesCoded;
            progress.NotesFailed += outcome.NotesFailed;
            progress.CodingMilliseconds += outcome.CodingMilliseconds;
            progress.LastProgressTime = now;
            try
            {
                await hub.Shards.SubmitTransactionAsync(
                [
                    new TableTransactionAction(TableTransactionActionType.UpdateReplace, row, row.ETag),
                    new TableTransactionAction(TableTransactionActionType.UpdateReplace, progress, progress.ETag),
                ], cancellationToken).ConfigureAwait(false);
                return new ShardCompletion(true, progress);
            }
            catch (TableTransactionFailedException ex) when (ex.Status == 412 && attempt < 1000)
            {
                // Another shard of the batch moved the counters first (or a duplicate finished this shard): read again.
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(200, 5 * attempt)), time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Deletes the batch row and every shard and progress row of the batch.</summary>
    public async Task DeleteBatchAsync(string batchId, CancellationToken cancellationToken = default)
    {
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {batchId}");
        var keys = new List<string>();
        await foreach (var row in hub.Shards.QueryAsync<TableEntity>(filter, select: ["RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            keys.Add(row.RowKey);
        }

        foreach (var chunk in keys.Chunk(100))
        {
            await hub.Shards.SubmitTransactionAsync(
                chunk.Select(k => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(batchId, k), ETag.All)),
                cancellationToken).ConfigureAwait(false);
        }

        await hub.Batches.DeleteEntityAsync(batchId, BatchRowKey, ETag.All, cancellationToken).ConfigureAwait(false);
    }

    internal static string? Truncate(string? text) => text is { Length: > 4000 } ? text[..4000] : text;
}
