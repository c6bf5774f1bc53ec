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
/// run that has not started is not coded: the close-out gives its notes their records. A shard whose worker died
/// while coding it is coded note by note on its next delivery, and a note that kills its worker is left out with an
/// error record (see <see cref="ShardDeliveries"/>). A run that a later run of the batch id superseded writes nothing.
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

        if (await BatchRuns.SupersededByAsync(storage.Results, input.BatchId, input.RunId).ConfigureAwait(false) is { } later)
        {
            return Superseded(input, later);
        }

        var deliveries = new ShardDeliveries(storage.Results.GetBlobClient(BatchPaths.Deliveries(input.BatchId, input.RunId, input.Shard)), input.RunId);
        var delivery = await deliveries.BeginAsync().ConfigureAwait(false);
        LogCoding(logger, input.BatchId, input.Shard, Environment.ProcessId);
        var content = (await storage.Results.GetBlobClient(BatchPaths.ShardInput(input.BatchId, input.RunId, input.PlanId, input.Shard)).DownloadContentAsync().ConfigureAwait(false)).Value.Content;
        var inputs = ShardFiles.ParseInput(content);
        if (delivery.UnattributedDeaths >= ShardDeliveries.MaxUnattributedDeaths)
        {
            string reason = $"the worker process died {delivery.Deaths} times while coding shard {input.Shard} (not while coding any one note: loading the model, say)";
            LogGivenUp(logger, input.BatchId, input.Shard, delivery.Deaths);
            return await WriteAsync(input, [.. inputs.Select(r => ShardFiles.Failed(r, r.Error ?? reason))], "failed", 0, reason).ConfigureAwait(false);
        }

        var options = new CodingOptions { MinCodes = input.MinCodes, Threshold = (float?)input.Threshold, PerCodeThresholds = input.PerCodeThresholds };
        try
        {
            var (results, milliseconds) = delivery.Deaths == 0
                ? await CodeTogetherAsync(input, inputs, options).ConfigureAwait(false)
                : await CodeNoteByNoteAsync(input, inputs, options, deliveries, delivery).ConfigureAwait(false);
            return await WriteAsync(input, results, "coded", milliseconds, null).ConfigureAwait(false);
        }
        catch (Exception)
        {
            await deliveries.EndFailedAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Every readable note of the shard in one call to the coder (the normal way: batching is what makes coding fast).</summary>
    private async Task<(List<ResultRecord> Records, long Milliseconds)> CodeTogetherAsync(ShardTask input, List<ShardInputRecord> inputs, CodingOptions options)
    {
        var notes = inputs.Where(r => r.Error is null).Select(r => new ClinicalNote(r.Id, r.Text ?? "")).ToList();
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

            records.Add(ToRecord(input, record, coded[next], errors[next]));
            next++;
        }

        return (records, milliseconds);
    }

    /// <summary>
    /// After a worker died on this shard: each note alone, marked in flight first, so that a note that kills the process
    /// again is named by the next delivery; notes named so are left out with an error record. An exception from a note
    /// gives it an error record, unless every note throws (a model or device fault: the attempt fails and is retried).
    /// </summary>
    private async Task<(List<ResultRecord> Records, long Milliseconds)> CodeNoteByNoteAsync(ShardTask input, List<ShardInputRecord> inputs, CodingOptions options,
        ShardDeliveries deliveries, DeliveryRecord delivery)
    {
        LogNoteByNote(logger, input.BatchId, input.Shard, delivery.Deaths, delivery.Poisoned.Length);
        var records = new List<ResultRecord>(inputs.Count);
        long milliseconds = 0;
        int tried = 0, threw = 0;
        Exception? last = null;
        for (int index = 0; index < inputs.Count; index++)
        {
            var record = inputs[index];
            if (record.Error is not null)
            {
                records.Add(ShardFiles.Failed(record, record.Error));
                continue;
            }

            if (delivery.Poisoned.Contains(index))
            {
                records.Add(ShardFiles.Failed(record,
                    $"coding this note made the worker process die (shard {input.Shard} was delivered {delivery.Deliveries} times without a result); it was not coded"));
                continue;
            }

            await deliveries.MarkInFlightAsync(index).ConfigureAwait(false);
            tried++;
            try
            {
                var (coded, errors, spent) = await coder.CodeAsync(input.ModelName, input.ModelVersion, input.ModelBlob, [new ClinicalNote(record.Id, record.Text ?? "")], options)
                    .ConfigureAwait(false);
                milliseconds += spent;
                records.Add(ToRecord(input, record, coded[0], errors[0]));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                threw++;
                last = ex;
                records.Add(ShardFiles.Failed(record, $"{ex.GetType().Name}: {ex.Message}"));
            }
        }

        if (tried > 0 && threw == tried)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(last!).Throw();
        }

        return (records, milliseconds);
    }

    private static ResultRecord ToRecord(ShardTask input, ShardInputRecord record, CodedNote? result, string? error)
    {
        if (result is null || error is not null)
        {
            return ShardFiles.Failed(record, error ?? "the model returned no result for this note");
        }

        return string.Equals(result.NoteId, record.Id, StringComparison.Ordinal)
            ? ShardFiles.Coded(record, result, input.ModelVersion)
            : throw new InvalidOperationException($"the coder returned note '{result.NoteId}' where '{record.Id}' was expected");
    }

    private async Task<ShardOutcome> WriteAsync(ShardTask input, List<ResultRecord> records, string outcome, long milliseconds, string? failure)
    {
        var metadata = new Dictionary<string, string> { [ShardFiles.OutcomeKey] = outcome };
        if (failure is not null)
        {
            metadata[ShardFiles.ReasonKey] = RunScopedBlobs.MetadataText(failure);
        }

        var (notesCoded, notesFailed, later) = await ShardFiles.WriteResultOnceAsync(storage, input.BatchId, input.RunId, input.Shard, records, metadata, CancellationToken.None)
            .ConfigureAwait(false);
        if (later is not null)
        {
            return Superseded(input, later);
        }

        PlantTelemetry.ShardCoded(input.ModelVersion, notesCoded, notesFailed, milliseconds);
        LogCoded(logger, input.BatchId, input.Shard, notesCoded, notesFailed, milliseconds);
        return new ShardOutcome(input.Shard, notesCoded, notesFailed, milliseconds, notesCoded == 0 ? failure : null);
    }

    private ShardOutcome Superseded(ShardTask input, string later)
    {
        LogSuperseded(logger, input.BatchId, input.Shard, input.RunId, later);
        return new ShardOutcome(input.Shard, 0, 0, 0, $"run {input.RunId} was superseded by run {later} of the same batch id");
    }

    [LoggerMessage(EventId = 2100, Level = LogLevel.Information, Message = "Coding batch {BatchId} shard {Shard} in process {ProcessId}")]
    private static partial void LogCoding(ILogger logger, string batchId, int shard, int processId);

    [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "Coded batch {BatchId} shard {Shard}: {Coded} notes coded, {Failed} error records, {Milliseconds} ms in the coder")]
    private static partial void LogCoded(ILogger logger, string batchId, int shard, int coded, int failed, long milliseconds);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Information, Message = "Batch {BatchId} was terminated: shard {Shard} is left to the close-out")]
    private static partial void LogSkipped(ILogger logger, string batchId, int shard);

    [LoggerMessage(EventId = 2105, Level = LogLevel.Warning, Message = "Batch {BatchId} shard {Shard} run {RunId} was superseded by run {Later} of the same id: not written")]
    private static partial void LogSuperseded(ILogger logger, string batchId, int shard, string runId, string later);

    [LoggerMessage(EventId = 2106, Level = LogLevel.Warning, Message = "Batch {BatchId} shard {Shard}: a worker died coding it ({Deaths} times); coding it note by note ({Poisoned} notes left out)")]
    private static partial void LogNoteByNote(ILogger logger, string batchId, int shard, int deaths, int poisoned);

    [LoggerMessage(EventId = 2107, Level = LogLevel.Error, Message = "Batch {BatchId} shard {Shard}: the worker died {Deaths} times outside any one note; its notes get error records")]
    private static partial void LogGivenUp(ILogger logger, string batchId, int shard, int deaths);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Information, Message = "Batch {BatchId} shard {Shard} was already coded by this run ({Coded} coded, {Failed} failed): reused")]
    private static partial void LogReused(ILogger logger, string batchId, int shard, int coded, int failed);
}
