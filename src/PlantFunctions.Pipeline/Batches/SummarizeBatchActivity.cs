using System.Globalization;
using Azure.Storage.Blobs.Models;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using PlantFunctions.Contracts;
using PlantFunctions.Contracts.Batches;
using PlantFunctions.Contracts.Instances;
using PlantFunctions.Pipeline.Storage;
using PlantFunctions.Pipeline.Telemetry;

namespace PlantFunctions.Pipeline.Batches;

/// <summary>The input of <see cref="SummarizeBatchActivity"/>.</summary>
/// <param name="Batch">The batch's input.</param>
/// <param name="CreatedTime">When the batch started.</param>
/// <param name="StartedTime">When its shards went out (null when it was terminated before).</param>
/// <param name="CompletedTime">When its last shard finished (orchestration time).</param>
/// <param name="Status">Completed, Failed or Terminated.</param>
/// <param name="Reason">Why it failed or was terminated.</param>
/// <param name="CodingMilliseconds">Time inside the coder, summed over shards (what the orchestration counted).</param>
public sealed record SummarizeRequest(CodeBatchInput Batch, DateTime CreatedTime, DateTime? StartedTime, DateTime CompletedTime, RuntimeStatus Status,
    string? Reason, long CodingMilliseconds);

/// <summary>
/// The fan-in: counts the records and codes in the run's result blobs, writes <c>summary.json</c> once per run
/// (a rerun returns the one already written; a run superseded by a later run of the batch id writes none) and deletes
/// the run's planned shard inputs.
/// </summary>
[DurableTask(TaskNames.SummarizeBatch)]
public sealed partial class SummarizeBatchActivity(PlantStorage storage, ILogger<SummarizeBatchActivity> logger) : TaskActivity<SummarizeRequest, BatchOutput>
{
    /// <inheritdoc />
    public override async Task<BatchOutput> RunAsync(TaskActivityContext context, SummarizeRequest input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var batch = input.Batch;
        var summaryBlob = storage.Results.GetBlobClient(BatchPaths.Summary(batch.BatchId));
        var summary = (await RunScopedBlobs.ReadOfRunAsync(summaryBlob, batch.RunId).ConfigureAwait(false))?.Content.ToObjectFromJson<BatchSummary>(PlantJson.Options);
        if (summary is null)
        {
            summary = await SummarizeAsync(input).ConfigureAwait(false);
            var write = await BatchRuns.WriteCheckedAsync(storage.Results, batch.BatchId, batch.RunId, summaryBlob,
                new BinaryData(PlantJson.ToUtf8Bytes(summary, indented: true)), "application/json").ConfigureAwait(false);
            if (write.SupersededBy is { } later)
            {
                // A later run of the batch id owns its results: this (purged) run's summary is not written.
                LogSuperseded(logger, batch.BatchId, batch.RunId, later);
                return new BatchOutput(summary.Status, storage.Results.Name, BatchPaths.ResultsPrefix(batch.BatchId), BatchPaths.Summary(batch.BatchId), summary.NotesTotal,
                    summary.NotesCoded, summary.NotesFailed, $"superseded by run {later} of the same batch id");
            }

            summary = write.Existing is { } first ? first.Content.ToObjectFromJson<BatchSummary>(PlantJson.Options)! : summary;
            PlantTelemetry.BatchFinished(summary.Status.ToString(), summary.NotesCoded, summary.NotesFailed);
            LogSummarized(logger, batch.BatchId, summary.Status, summary.NotesCoded, summary.NotesFailed, summary.ShardsFailed);
        }

        await foreach (var blob in storage.Results.GetBlobsAsync(BlobTraits.None, BlobStates.None, BatchPaths.RunWorkPrefix(batch.BatchId, batch.RunId), CancellationToken.None)
                           .ConfigureAwait(false))
        {
            await storage.Results.DeleteBlobIfExistsAsync(blob.Name).ConfigureAwait(false);
        }

        return new BatchOutput(summary.Status, storage.Results.Name, BatchPaths.ResultsPrefix(batch.BatchId), BatchPaths.Summary(batch.BatchId), summary.NotesTotal,
            summary.NotesCoded, summary.NotesFailed, summary.Reason);
    }

    private async Task<BatchSummary> SummarizeAsync(SummarizeRequest input)
    {
        var batch = input.Batch;
        var codeCounts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var blobs = new List<string>();
        var failedShards = new List<FailedShard>();
        int coded = 0, failed = 0, shardsCompleted = 0;
        await foreach (var item in storage.Results.GetBlobsAsync(BlobTraits.Metadata, BlobStates.None, BatchPaths.ShardResultsPrefix(batch.BatchId), CancellationToken.None)
                           .ConfigureAwait(false))
        {
            if (!RunScopedBlobs.IsOfRun(item.Metadata, batch.RunId))
            {
                continue;
            }

            var content = (await storage.Results.GetBlobClient(item.Name).DownloadContentAsync().ConfigureAwait(false)).Value.Content;
            var (shardCoded, shardFailed) = ShardFiles.Tally(content, codeCounts);
            coded += shardCoded;
            failed += shardFailed;
            blobs.Add(item.Name);
            switch (Metadata(item, ShardFiles.OutcomeKey))
            {
                case "failed" when shardCoded == 0:
                    failedShards.Add(new FailedShard(ShardNumber(item.Name), shardFailed,
                        int.TryParse(Metadata(item, ShardFiles.AttemptsKey), CultureInfo.InvariantCulture, out int attempts) ? attempts : 0,
                        Metadata(item, ShardFiles.ReasonKey) ?? "unknown"));
                    break;
                case "terminated":
                    break;   // closed out after termination: neither coded nor failed
                default:
                    shardsCompleted++;
                    break;
            }
        }

        var plan = (await RunScopedBlobs.ReadOfRunAsync(storage.Results.GetBlobClient(BatchPaths.Plan(batch.BatchId, batch.RunId)), batch.RunId).ConfigureAwait(false))
            ?.Content.ToObjectFromJson<BatchPlan>(PlantJson.Options);
        var created = new DateTimeOffset(input.CreatedTime, TimeSpan.Zero);
        var completed = new DateTimeOffset(input.CompletedTime, TimeSpan.Zero);
        DateTimeOffset? started = input.StartedTime is { } time ? new DateTimeOffset(time, TimeSpan.Zero) : null;
        blobs.Sort(StringComparer.Ordinal);
        return new BatchSummary
        {
            BatchId = batch.BatchId,
            RunId = batch.RunId,
            Status = input.Status,
            Reason = input.Reason,
            Input = $"{batch.NotesContainer}/{batch.Prefix}",
            ModelName = batch.ModelName,
            ModelVersion = batch.ModelVersion,
            NotesTotal = plan?.Notes ?? coded + failed,
            NotesCoded = coded,
            NotesFailed = failed,
            ShardsTotal = plan?.Shards ?? blobs.Count,
            ShardsCompleted = shardsCompleted,
            ShardsFailed = failedShards.Count,
            ErrorThreshold = batch.ErrorThreshold,
            SkippedFiles = plan?.SkippedFiles ?? 0,
            CodeCounts = codeCounts,
            FailedShards = [.. failedShards.OrderBy(s => s.Shard)],
            ResultBlobs = blobs,
            CreatedTime = created,
            StartedTime = started,
            CompletedTime = completed,
            DurationSeconds = (completed - created).TotalSeconds,
            CodingSeconds = input.CodingMilliseconds / 1000.0,
            NotesPerSecond = (coded + failed) / Math.Max((completed - (started ?? created)).TotalSeconds, 1e-3),
        };
    }

    private static string? Metadata(BlobItem item, string key) => item.Metadata.TryGetValue(key, out string? value) ? value : null;

    private static int ShardNumber(string blobName)
    {
        string name = blobName[(blobName.LastIndexOf("shard-", StringComparison.Ordinal) + 6)..];
        return int.Parse(name[..name.IndexOf('.', StringComparison.Ordinal)], CultureInfo.InvariantCulture);
    }

    [LoggerMessage(EventId = 2201, Level = LogLevel.Warning, Message = "Batch {BatchId} run {RunId} was superseded by run {Later} of the same id: no summary written")]
    private static partial void LogSuperseded(ILogger logger, string batchId, string runId, string later);

    [LoggerMessage(EventId = 2200, Level = LogLevel.Information, Message = "Batch {BatchId} summarized {Status}: {Coded} notes coded, {Failed} failed, {FailedShards} shards failed")]
    private static partial void LogSummarized(ILogger logger, string batchId, RuntimeStatus status, int coded, int failed, int failedShards);
}
