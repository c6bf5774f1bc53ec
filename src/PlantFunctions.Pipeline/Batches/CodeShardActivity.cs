using System.Diagnostics;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PlantFunctions.Contracts.Batches;
using PlantFunctions.Model.Coding;
using PlantFunctions.Model.Notes;
using PlantFunctions.Pipeline.Storage;
using PlantFunctions.Pipeline.Telemetry;

namespace PlantFunctions.Pipeline.Batches;

/// <summary>
/// Codes one shard: its planned input blob through the model, one result record per input record (unreadable records
/// and notes the model fails on get error records), written once per run. The engine runs an activity at least once,
/// so a rerun (a lost completion, a worker killed after the write) finds the result blob of its run and returns its
/// counts without coding again; two concurrent runs write one blob between them (If-None-Match). A shard of a terminated
/// run that has not started is not coded: the close-out gives its notes their records.
/// </summary>
[DurableTask(TaskNames.CodeShard)]
public sealed partial class CodeShardActivity(PlantStorage storage, ShardCoder coder, ILogger<CodeShardActivity> logger) : TaskActivity<ShardTask, ShardOutcome>
{
    /// <inheritdoc />
    public override async Task<ShardOutcome> RunAsync(TaskActivityContext context, ShardTask input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var span = PlantTelemetry.Source.StartActivity("CodeShard");
        span?.SetTag("plant.batch", input.BatchId);
        span?.SetTag("plant.shard", input.Shard);
        var done = await ShardFiles.ReadResultAsync(storage, input.BatchId, input.RunId, input.Shard, CancellationToken.None).ConfigureAwait(false);
        if (done is not null)
        {
            var (codedBefore, failedBefore) = ShardFiles.Tally(done.Content);
            LogReused(logger, input.BatchId, input.Shard, codedBefore, failedBefore);
            return new ShardOutcome(input.Shard, codedBefore, failedBefore, 0);
        }

        if ((await storage.Results.GetBlobClient(BatchPaths.Terminated(input.BatchId, input.RunId)).ExistsAsync().ConfigureAwait(false)).Value)
        {
            // The batch was terminated: its orchestration will not read this outcome, and the close-out records the notes.
            LogSkipped(logger, input.BatchId, input.Shard);
            return new ShardOutcome(input.Shard, 0, 0, 0, "the batch was terminated");
        }

        LogCoding(logger, input.BatchId, input.Shard, Environment.ProcessId);
        var content = (await storage.Results.GetBlobClient(BatchPaths.ShardInput(input.BatchId, input.RunId, input.Shard)).DownloadContentAsync().ConfigureAwait(false)).Value.Content;
        var inputs = ShardFiles.ParseInput(content);
        var notes = inputs.Where(r => r.Error is null).Select(r => new ClinicalNote(r.Id, r.Text ?? "")).ToList();
        var options = new CodingOptions { MinCodes = input.MinCodes, Threshold = (float?)input.Threshold, PerCodeThresholds = input.PerCodeThresholds };
        var (coded, errors, milliseconds) = await coder.CodeAsync(input.ModelName, input.ModelVersion, input.ModelBlob, notes, options).ConfigureAwait(false);

        var records = new List<ResultRecord>(inputs.Count);
        int next = 0;
        foreach (var record in inputs)
        {
            if (record.Error is not null)
            {
                records.Add(ShardFiles.Failed(record, record.Error));
                continue;
            }

            var result = coded[next];
            string? error = errors[next++];
            if (result is null || error is not null)
            {
                records.Add(ShardFiles.Failed(record, error ?? "the model returned no result for this note"));
                continue;
            }

            if (!string.Equals(result.NoteId, record.Id, StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"the coder returned note '{result.NoteId}' where '{record.Id}' was expected");
            }

            records.Add(ShardFiles.Coded(record, result, input.ModelVersion));
        }

        var (notesCoded, notesFailed) = await ShardFiles.WriteResultOnceAsync(storage, input.BatchId, input.RunId, input.Shard, records,
            new Dictionary<string, string> { [ShardFiles.OutcomeKey] = "coded" }, CancellationToken.None).ConfigureAwait(false);
        PlantTelemetry.ShardCoded(input.ModelVersion, notesCoded, notesFailed, milliseconds);
        LogCoded(logger, input.BatchId, input.Shard, notesCoded, notesFailed, milliseconds);
        return new ShardOutcome(input.Shard, notesCoded, notesFailed, milliseconds);
    }

    [LoggerMessage(EventId = 2100, Level = LogLevel.Information, Message = "Coding batch {BatchId} shard {Shard} in process {ProcessId}")]
    private static partial void LogCoding(ILogger logger, string batchId, int shard, int processId);

    [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "Coded batch {BatchId} shard {Shard}: {Coded} notes coded, {Failed} error records, {Milliseconds} ms in the coder")]
    private static partial void LogCoded(ILogger logger, string batchId, int shard, int coded, int failed, long milliseconds);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Information, Message = "Batch {BatchId} was terminated: shard {Shard} is left to the close-out")]
    private static partial void LogSkipped(ILogger logger, string batchId, int shard);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Information, Message = "Batch {BatchId} shard {Shard} was already coded by this run ({Coded} coded, {Failed} failed): reused")]
    private static partial void LogReused(ILogger logger, string batchId, int shard, int coded, int failed);
}
