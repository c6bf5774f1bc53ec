using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Logging;
using PlantFunctions.Pipeline.Orchestration;
using PlantFunctions.Pipeline.Storage;

namespace PlantFunctions.Pipeline.Batches;

/// <summary>
/// The fan-in: when every shard of a batch is Completed or Failed, counts the codes in the result blobs, judges the
/// batch by its error threshold, writes <c>summary.json</c> (If-None-Match: the first writer wins, later callers read
/// it), marks the batch Completed or Failed with an ETag, and deletes the planned inputs. Safe to run any number of
/// times from any number of processes: the worker that finishes the last shard runs it, and the coordinator's sweep
/// runs it again for a batch whose fan-in crashed midway. A terminated batch is closed out by
/// <see cref="CloseTerminatedAsync"/> instead.
/// </summary>
public sealed partial class BatchFinisher
{
    private readonly TaskHub hub;
    private readonly BatchStore store;
    private readonly ILogger<BatchFinisher> logger;

    internal BatchFinisher(TaskHub hub, BatchStore store, ILogger<BatchFinisher> logger)
    {
        this.hub = hub;
        this.store = store;
        this.logger = logger;
    }

    /// <summary>Finishes the batch if all its shards are done; see the class remarks.</summary>
    public async Task<FinishResult> FinishAsync(string batchId, CancellationToken cancellationToken = default)
    {
        var batch = await store.GetBatchAsync(batchId, cancellationToken).ConfigureAwait(false);
        var progress = await store.GetProgressAsync(batchId, cancellationToken).ConfigureAwait(false);
        var status = RuntimeStatusExtensions.ParseStatus(batch?.Status);
        if (batch is null || progress is null || status is RuntimeStatus.Pending or RuntimeStatus.Terminated || progress.ShardsDone < batch.ShardCount)
        {
            return new FinishResult(false, null);
        }

        var summaryBlob = hub.Results.GetBlobClient(BatchPaths.Summary(batchId));
        var existing = await summaryBlob.DownloadIfExistsAsync(cancellationToken).ConfigureAwait(false);
        bool wrote = false;
        BatchSummary summary;
        if (existing is not null)
        {
            summary = existing.ToObjectFromJson<BatchSummary>(PlantJson.Options)!;
        }
        else
        {
            summary = await SummarizeAsync(batch, progress, cancellationToken).ConfigureAwait(false);
            wrote = await summaryBlob.UploadIfAbsentAsync(PlantJson.ToBinary(summary, indented: true), "application/json", cancellationToken).ConfigureAwait(false);
            if (!wrote)
            {
                summary = (await summaryBlob.DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value.Content.ToObjectFromJson<BatchSummary>(PlantJson.Options)!;
            }
        }

        await store.UpdateBatchAsync(batchId, b =>
        {
            if (RuntimeStatusExtensions.ParseStatus(b.Status).IsTerminal())
            {
                return false;
            }

            b.Status = summary.Status.ToString();
            b.CompletedTime = summary.CompletedTime;
            b.SummaryWritten = true;
            b.Error = summary.Reason;
            return true;
        }, cancellationToken).ConfigureAwait(false);
        await DeleteWorkBlobsAsync(hub, batchId, cancellationToken).ConfigureAwait(false);
        if (wrote)
        {
            LogFinished(logger, batchId, summary.Status, summary.NotesCoded, summary.NotesFailed, summary.ShardsFailed);
        }

        return new FinishResult(wrote, summary);
    }

    /// <summary>
    /// Closes out a Terminated batch so that it too has exactly one record per note and a summary: every shard without
    /// a result blob gets one with an error record per note ("not coded: the batch was terminated"), written
    /// If-None-Match, so a worker that finishes the shard at the same moment either wins (its coded records stay) or
    /// loses (its records are dropped); then <c>summary.json</c> (status Terminated, counts read from the blobs).
    /// A batch terminated before it was planned has no notes to record and gets only the summary (the sweep waits
    /// <c>StallTimeout</c> before closing such a batch, so a planner still at work finishes first). Idempotent.
    /// </summary>
    public async Task<FinishResult> CloseTerminatedAsync(string batchId, CancellationToken cancellationToken = default)
    {
        var batch = await store.GetBatchAsync(batchId, cancellationToken).ConfigureAwait(false);
        if (batch is null || RuntimeStatusExtensions.ParseStatus(batch.Status) != RuntimeStatus.Terminated || batch.SummaryWritten)
        {
            return new FinishResult(false, null);
        }

        string reason = $"not coded: the batch was {batch.Error ?? "terminated"}";
        var shards = (await store.ListShardsAsync(batchId, cancellationToken).ConfigureAwait(false)).OrderBy(s => s.Index).ToList();
        var codeCounts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var blobs = new List<string>();
        int coded = 0, failed = 0;
        foreach (var shard in shards)
        {
            string name = BatchPaths.ShardResult(batchId, shard.Index);
            var content = await hub.Results.GetBlobClient(name).DownloadIfExistsAsync(cancellationToken).ConfigureAwait(false);
            if (content is null)
            {
                var input = await hub.Results.GetBlobClient(BatchPaths.ShardInput(batchId, shard.Index)).DownloadIfExistsAsync(cancellationToken).ConfigureAwait(false);
                if (input is null)
                {
                    continue;   // purged meanwhile: nothing to record it from (and no empty blob that would look complete)
                }

                var records = BatchPlanner.ParseInput(input).Select(i => ResultRecord.Failed(i, i.Error ?? reason)).ToList();
                await ShardResults.WriteOnceAsync(hub, batchId, shard.Index, records, cancellationToken).ConfigureAwait(false);
                content = await hub.Results.GetBlobClient(name).DownloadIfExistsAsync(cancellationToken).ConfigureAwait(false);
            }

            if (content is null)
            {
                continue;
            }

            blobs.Add(name);
            var (shardCoded, shardFailed) = ShardResults.Tally(content, codeCounts);
            coded += shardCoded;
            failed += shardFailed;
        }

        var completed = batch.CompletedTime ?? batch.LastUpdatedTime;
        var progress = await store.GetProgressAsync(batchId, cancellationToken).ConfigureAwait(false);
        var summary = Summarize(batch, shards, RuntimeStatus.Terminated, batch.Error, (coded, failed),
            (shards.Count(sh => sh.Status == nameof(RuntimeStatus.Completed)), shards.Count(sh => sh.Status == nameof(RuntimeStatus.Failed))),
            codeCounts, blobs, completed, (progress?.CodingMilliseconds ?? 0) / 1000.0, coded);
        bool wrote = await hub.Results.GetBlobClient(BatchPaths.Summary(batchId))
            .UploadIfAbsentAsync(PlantJson.ToBinary(summary, indented: true), "application/json", cancellationToken).ConfigureAwait(false);
        await store.UpdateBatchAsync(batchId, b =>
        {
            if (b.SummaryWritten)
            {
                return false;
            }

            b.SummaryWritten = true;
            return true;
        }, cancellationToken).ConfigureAwait(false);
        await DeleteWorkBlobsAsync(hub, batchId, cancellationToken).ConfigureAwait(false);
        if (wrote)
        {
            LogFinished(logger, batchId, RuntimeStatus.Terminated, coded, failed, summary.ShardsFailed);
        }

        return new FinishResult(wrote, summary);
    }

    /// <summary>Deletes the planned shard inputs of a batch.</summary>
    internal static async Task DeleteWorkBlobsAsync(TaskHub hub, string batchId, CancellationToken cancellationToken)
    {
        await foreach (var blob in hub.Results.GetBlobsAsync(BlobTraits.None, BlobStates.None, BatchPaths.WorkPrefix(batchId), cancellationToken).ConfigureAwait(false))
        {
            await hub.Results.DeleteBlobIfExistsAsync(blob.Name, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<BatchSummary> SummarizeAsync(BatchEntity batch, ProgressEntity progress, CancellationToken cancellationToken)
    {
        var shards = (await store.ListShardsAsync(batch.BatchId, cancellationToken).ConfigureAwait(false)).OrderBy(s => s.Index).ToList();
        var codeCounts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var blobs = new List<string>();
        foreach (var shard in shards)
        {
            string name = BatchPaths.ShardResult(batch.BatchId, shard.Index);
            var content = await hub.Results.GetBlobClient(name).DownloadIfExistsAsync(cancellationToken).ConfigureAwait(false);
            if (content is null)
            {
                continue;
            }

            blobs.Add(name);
            ShardResults.Tally(content, codeCounts);
        }

        int threshold = batch.ErrorThreshold;
        bool failed = threshold >= 0 && progress.NotesFailed > threshold;
        var completed = progress.LastProgressTime;
        return Summarize(batch, shards, failed ? RuntimeStatus.Failed : RuntimeStatus.Completed,
            failed ? $"{progress.NotesFailed} notes failed, over the error threshold of {threshold}" : null,
            (progress.NotesCoded, progress.NotesFailed), (progress.ShardsCompleted, progress.ShardsFailed),
            codeCounts, blobs, completed, progress.CodingMilliseconds / 1000.0, batch.NoteCount);
    }

    /// <summary>The summary of a finished batch; notes/s counts <paramref name="notesDone"/> over the run (start to completion).</summary>
    private static BatchSummary Summarize(BatchEntity batch, IReadOnlyList<ShardEntity> shards, RuntimeStatus status, string? reason,
        (int Coded, int Failed) notes, (int Completed, int Failed) shardCounts, SortedDictionary<string, int> codeCounts, List<string> blobs,
        DateTimeOffset completed, double codingSeconds, int notesDone)
    {
        var started = batch.StartedTime ?? batch.CreatedTime;
        return new BatchSummary
        {
            BatchId = batch.BatchId,
            Status = status,
            Reason = reason,
            Input = $"{batch.NotesContainer}/{batch.Prefix}",
            ModelName = batch.ModelName,
            ModelVersion = batch.ModelVersion,
            NotesTotal = batch.NoteCount,
            NotesCoded = notes.Coded,
            NotesFailed = notes.Failed,
            ShardsTotal = batch.ShardCount,
            ShardsCompleted = shardCounts.Completed,
            ShardsFailed = shardCounts.Failed,
            ErrorThreshold = batch.ErrorThreshold,
            SkippedFiles = batch.SkippedFiles,
            CodeCounts = codeCounts,
            FailedShards = [.. shards.Where(s => s.Status == nameof(RuntimeStatus.Failed)).Select(s => new FailedShard(s.Index, s.NoteCount, s.Attempts, s.LastError ?? "unknown"))],
            ResultBlobs = blobs,
            CreatedTime = batch.CreatedTime,
            StartedTime = batch.StartedTime,
            CompletedTime = completed,
            DurationSeconds = (completed - batch.CreatedTime).TotalSeconds,
            CodingSeconds = codingSeconds,
            NotesPerSecond = notesDone / Math.Max((completed - started).TotalSeconds, 1e-3),
        };
    }

    [LoggerMessage(EventId = 2200, Level = LogLevel.Information, Message = "Batch {BatchId} finished {Status}: {Coded} notes coded, {Failed} failed, {FailedShards} shards poisoned")]
    private static partial void LogFinished(ILogger logger, string batchId, RuntimeStatus status, int coded, int failed, int failedShards);
}
