using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using PlantFunctions.Contracts.Batches;
using PlantFunctions.Contracts.Instances;

namespace PlantFunctions.Pipeline.Batches;

/// <summary>
/// Codes a batch: <see cref="PlanBatchActivity"/> reads the notes once into shard input blobs, then each generation
/// fans out up to <see cref="CodeBatchInput.ShardsPerGeneration"/> <see cref="CodeShardActivity"/> calls with a bounded
/// retry policy (a shard that fails every attempt gets error records from <see cref="RecordFailedShardActivity"/>),
/// updates the custom status as each shard finishes, and continues as new with its tallies, so the history stays
/// bounded however many shards there are. The last generation runs <see cref="SummarizeBatchActivity"/> and ends
/// Completed, or Failed when more notes failed than the error threshold allows. Deterministic: no I/O, no clock.
/// </summary>
[DurableTask(TaskNames.CodeBatch)]
public sealed partial class CodeBatchOrchestrator : TaskOrchestrator<CodeBatchInput, BatchOutput?>
{
    /// <inheritdoc />
    public override async Task<BatchOutput?> RunAsync(TaskOrchestrationContext context, CodeBatchInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var logger = context.CreateReplaySafeLogger<CodeBatchOrchestrator>();
        if (input.Rejected is not null)
        {
            throw new BatchFailedException(input.Rejected);
        }

        var retry = RetryOf(input.Retry);
        var run = input.Progress;
        if (run is null)
        {
            var created = context.CurrentUtcDateTime;
            context.SetCustomStatus(Progress("Reading", input, null, BatchTally.Zero, null));
            var plan = await context.CallActivityAsync<BatchPlan>(TaskNames.PlanBatch,
                new PlanRequest(input.BatchId, input.RunId, input.Prefix, input.NotesPerShard, input.MaxNoteChars), retry);
            if (plan.Error is not null)
            {
                throw new BatchFailedException(plan.Error);
            }

            run = new BatchRunState(created, context.CurrentUtcDateTime, plan, 0, BatchTally.Zero);
            LogPlanned(logger, input.BatchId, plan.Notes, plan.Shards, plan.InputErrors);
        }

        int end = Math.Min(run.Plan.Shards, run.NextShard + input.ShardsPerGeneration);
        var tally = run.Tally;
        context.SetCustomStatus(Progress("Coding", input, run, tally, run.StartedTime));
        var pending = Enumerable.Range(run.NextShard, end - run.NextShard).Select(shard => CodeShardAsync(context, input, shard, retry)).ToList();
        while (pending.Count > 0)
        {
            var finished = await Task.WhenAny(pending);
            pending.Remove(finished);
            tally = tally.Add(await finished);
            context.SetCustomStatus(Progress("Coding", input, run, tally, run.StartedTime));
        }

        if (end < run.Plan.Shards)
        {
            context.ContinueAsNew(input with { Progress = run with { NextShard = end, Tally = tally } }, preserveUnprocessedEvents: false);
            return null;
        }

        bool failed = input.ErrorThreshold >= 0 && tally.NotesFailed > input.ErrorThreshold;
        string? reason = failed ? $"{tally.NotesFailed} notes failed, over the error threshold of {input.ErrorThreshold}" : null;
        context.SetCustomStatus(Progress("Summarizing", input, run, tally, run.StartedTime));
        var output = await context.CallActivityAsync<BatchOutput>(TaskNames.SummarizeBatch, new SummarizeRequest(input, run.CreatedTime, run.StartedTime,
            context.CurrentUtcDateTime, failed ? RuntimeStatus.Failed : RuntimeStatus.Completed, reason, tally.CodingMilliseconds), retry);
        context.SetCustomStatus(Progress("Done", input, run, tally, run.StartedTime));
        LogFinished(logger, input.BatchId, output.NotesCoded, output.NotesFailed, failed ? "Failed" : "Completed");
        if (failed)
        {
            throw new BatchFailedException($"{reason}; every note has a record, and the summary is {output.ResultsContainer}/{output.Summary}");
        }

        return output;
    }

    /// <summary>The retry policy of a batch's activities.</summary>
    internal static TaskOptions RetryOf(ShardRetry retry) => TaskOptions.FromRetryPolicy(new RetryPolicy(retry.MaxAttempts, retry.FirstDelay, 2.0, retry.MaxDelay));

    private static async Task<ShardOutcome> CodeShardAsync(TaskOrchestrationContext context, CodeBatchInput input, int shard, TaskOptions retry)
    {
        var task = new ShardTask(input.BatchId, input.RunId, shard, input.ModelName, input.ModelVersion, input.ModelBlob, input.MinCodes, input.Threshold,
            PerCodeThresholds: input.PerCodeThresholds);
        try
        {
            return await context.CallActivityAsync<ShardOutcome>(TaskNames.CodeShard, task, retry);
        }
        catch (TaskFailedException ex)
        {
            string reason = ex.FailureDetails is { } details ? $"{details.ErrorType}: {details.ErrorMessage}" : ex.Message;
            return await context.CallActivityAsync<ShardOutcome>(TaskNames.RecordFailedShard,
                task with { Failure = reason, Attempts = input.Retry.MaxAttempts }, retry);
        }
    }

    private static BatchProgress Progress(string stage, CodeBatchInput input, BatchRunState? run, BatchTally tally, DateTime? started)
    {
        int shards = run?.Plan.Shards ?? 0;
        int done = tally.ShardsCompleted + tally.ShardsFailed;
        double percent = stage == "Done" ? 100 : shards == 0 ? 0 : Math.Round(100.0 * done / shards, 1);
        return new BatchProgress(stage, new ShardCounts(shards, tally.ShardsCompleted, tally.ShardsFailed),
            new NoteCounts(run?.Plan.Notes ?? 0, tally.NotesCoded, tally.NotesFailed), percent, started is null ? null : new DateTimeOffset(started.Value, TimeSpan.Zero));
    }

    [LoggerMessage(EventId = 2000, Level = LogLevel.Information, Message = "Batch {BatchId}: {Notes} notes in {Shards} shards ({InputErrors} unreadable records)")]
    private static partial void LogPlanned(ILogger logger, string batchId, int notes, int shards, int inputErrors);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Batch {BatchId} finished {Status}: {Coded} notes coded, {Failed} failed")]
    private static partial void LogFinished(ILogger logger, string batchId, int coded, int failed, string status);
}

/// <summary>Ends a batch orchestration as Failed with a reason a user can act on (the engine records the message as the output).</summary>
public sealed class BatchFailedException(string message) : Exception(message);
