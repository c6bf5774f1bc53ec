using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using PlantFunctions.Contracts.Batches;
using PlantFunctions.Contracts.Instances;

namespace PlantFunctions.Pipeline.Batches;

/// <summary>
/// Codes a batch: <see cref="PlanBatchActivity"/> reads the notes once into shard input blobs; then the shards are
/// coded and the last step runs <see cref="SummarizeBatchActivity"/> and ends Completed, or Failed when more notes
/// failed than the error threshold allows. Version 2 (<see cref="CodeBatchInput.Version"/>): the shards are cut into
/// blocks of <see cref="CodeBatchInput.ShardsPerGeneration"/>, each coded by a <see cref="CodeShardsOrchestrator"/>
/// sub-orchestration with a history of its own, up to <see cref="CodeBatchInput.BlocksInFlight"/> blocks at once, a
/// new one started as each finishes: a shard held up (a worker killed in it waits for the visibility timeout) holds up
/// only its block, and the workers go on with the blocks beside it. This history grows by a few events per block.
/// Version 1, for runs started before it: generations of shards that continue as new (each waits for all its shards).
/// Deterministic: no I/O, no clock.
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

        if (input.Problem() is { } problem)
        {
            throw new BatchFailedException($"the batch's input cannot be run by this build: {problem}");
        }

        var retry = RetryOf(input.Retry);
        var run = input.Progress;
        if (run is null)
        {
            var created = context.CurrentUtcDateTime;
            context.SetCustomStatus(Progress("Reading", null, BatchTally.Zero, null));
            var plan = await context.CallActivityAsync<BatchPlan>(TaskNames.PlanBatch,
                new PlanRequest(input.BatchId, input.RunId, input.Prefix, input.NotesPerShard, input.MaxNoteChars), retry);
            if (plan.Error is not null)
            {
                throw new BatchFailedException(plan.Error);
            }

            run = new BatchRunState(created, context.CurrentUtcDateTime, plan, 0, BatchTally.Zero);
            LogPlanned(logger, input.BatchId, plan.Notes, plan.Shards, plan.InputErrors);
        }

        var tally = input.Version >= 2 ? await CodeBlocksAsync(context, input, run) : await CodeGenerationAsync(context, input, run, retry);
        if (tally is null)
        {
            return null;   // continued as new (version 1)
        }

        bool failed = input.ErrorThreshold >= 0 && tally.NotesFailed > input.ErrorThreshold;
        string? reason = failed ? $"{tally.NotesFailed} notes failed, over the error threshold of {input.ErrorThreshold}" : null;
        context.SetCustomStatus(Progress("Summarizing", run, tally, run.StartedTime));
        var output = await context.CallActivityAsync<BatchOutput>(TaskNames.SummarizeBatch, new SummarizeRequest(input, run.CreatedTime, run.StartedTime,
            context.CurrentUtcDateTime, failed ? RuntimeStatus.Failed : RuntimeStatus.Completed, reason, tally.CodingMilliseconds), retry);
        context.SetCustomStatus(Progress("Done", run, tally, run.StartedTime));
        LogFinished(logger, input.BatchId, output.NotesCoded, output.NotesFailed, failed ? "Failed" : "Completed");
        if (failed)
        {
            throw new BatchFailedException($"{reason}; every note has a record, and the summary is {output.ResultsContainer}/{output.Summary}");
        }

        return output;
    }

    /// <summary>The instance id of block <paramref name="block"/> of a run (one sub-orchestration per block).</summary>
    public static string BlockInstanceId(string batchId, string runId, int block) =>
        $"{BlockInstancePrefix(batchId, runId)}{block.ToString("D5", System.Globalization.CultureInfo.InvariantCulture)}";

    /// <summary>The prefix of the instance ids of a run's blocks.</summary>
    public static string BlockInstancePrefix(string batchId, string runId) => $"{batchId}:block:{runId}:";

    /// <summary>Version 2: the blocks of the run, <see cref="CodeBatchInput.BlocksInFlight"/> at a time; the tally of them all.</summary>
    private static async Task<BatchTally> CodeBlocksAsync(TaskOrchestrationContext context, CodeBatchInput input, BatchRunState run)
    {
        int blocks = (run.Plan.Shards + input.ShardsPerGeneration - 1) / input.ShardsPerGeneration;
        var tally = BatchTally.Zero;
        var pending = new List<Task<BatchTally>>();
        int next = 0;
        context.SetCustomStatus(Progress("Coding", run, tally, run.StartedTime));
        while (next < blocks || pending.Count > 0)
        {
            while (next < blocks && pending.Count < input.BlocksInFlight)
            {
                int first = next * input.ShardsPerGeneration;
                var block = new BlockInput(input with { Progress = null }, run.Plan.PlanId, first, Math.Min(run.Plan.Shards, first + input.ShardsPerGeneration));
                pending.Add(context.CallSubOrchestratorAsync<BatchTally>(TaskNames.CodeShards, block,
                    new TaskOptions().WithInstanceId(BlockInstanceId(input.BatchId, input.RunId, next))));
                next++;
            }

            var finished = await Task.WhenAny(pending);
            pending.Remove(finished);
            tally = tally.Plus(await finished);
            context.SetCustomStatus(Progress("Coding", run, tally, run.StartedTime));
        }

        return tally;
    }

    /// <summary>Version 1: the next generation of shards (all at once), then continue as new; the tally once the last is done, else null.</summary>
    private static async Task<BatchTally?> CodeGenerationAsync(TaskOrchestrationContext context, CodeBatchInput input, BatchRunState run, TaskOptions retry)
    {
        int end = Math.Min(run.Plan.Shards, run.NextShard + input.ShardsPerGeneration);
        var tally = run.Tally;
        context.SetCustomStatus(Progress("Coding", run, tally, run.StartedTime));
        var pending = Enumerable.Range(run.NextShard, end - run.NextShard)
            .Select(shard => CodeShardAsync(context, input, run.Plan.PlanId, shard, retry)).ToList();
        while (pending.Count > 0)
        {
            var finished = await Task.WhenAny(pending);
            pending.Remove(finished);
            tally = tally.Add(await finished);
            context.SetCustomStatus(Progress("Coding", run, tally, run.StartedTime));
        }

        if (end < run.Plan.Shards)
        {
            context.ContinueAsNew(input with { Progress = run with { NextShard = end, Tally = tally } }, preserveUnprocessedEvents: false);
            return null;
        }

        return tally;
    }

    /// <summary>The retry policy of a batch's activities.</summary>
    internal static TaskOptions RetryOf(ShardRetry retry) =>
        TaskOptions.FromRetryPolicy(new RetryPolicy(retry.MaxAttempts, retry.FirstDelay, 2.0, retry.MaxDelay) { HandleFailure = Coding.ModelLoadException.IsRetryable });

    /// <summary>One shard with its retries; a shard that failed every attempt gets error records from <c>RecordFailedShard</c>.</summary>
    internal static async Task<ShardOutcome> CodeShardAsync(TaskOrchestrationContext context, CodeBatchInput input, string? planId, int shard, TaskOptions retry)
    {
        var task = new ShardTask(input.BatchId, input.RunId, shard, input.ModelName, input.ModelVersion, input.ModelBlob, input.MinCodes, input.Threshold,
            PerCodeThresholds: input.PerCodeThresholds, PlanId: planId);
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

    private static BatchProgress Progress(string stage, BatchRunState? run, BatchTally tally, DateTime? started)
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
