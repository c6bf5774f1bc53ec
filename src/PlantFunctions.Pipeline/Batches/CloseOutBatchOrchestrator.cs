using Microsoft.DurableTask;
using PlantFunctions.Contracts.Batches;
using PlantFunctions.Contracts.Instances;

namespace PlantFunctions.Pipeline.Batches;

/// <summary>The input of <see cref="CloseOutBatchOrchestrator"/>: the terminated batch's last input and why it was terminated.</summary>
/// <param name="Batch">The batch's input as it was when it was terminated.</param>
/// <param name="CreatedTime">When the batch started.</param>
/// <param name="Reason">Why it was terminated.</param>
/// <param name="Attempt">1 for the first close-out of the run; the sweep starts a failed one again with the next number.</param>
public sealed record CloseOutInput(CodeBatchInput Batch, DateTime CreatedTime, string Reason, int Attempt = 1)
{
    /// <summary>The close-out's instance id: one per run of a batch id.</summary>
    public static string InstanceId(string batchId, string runId) => $"{batchId}:closeout:{runId}";
}

/// <summary>
/// Closes out a terminated batch so that it too ends with exactly one record per note and a summary. The engine's
/// terminate stops the batch orchestration at once but not its activities in flight, so: every shard without a result
/// blob of the run gets one with an error record per note ("not coded: the batch was terminated ..."), written once per
/// run, so a shard finishing at that moment either wins (its coded records stay) or loses (its records are dropped);
/// then <c>summary.json</c> with status Terminated. A batch terminated while its notes were still being read waits for
/// the reading to finish (up to <see cref="PlanWaits"/> x <see cref="PlanWait"/>).
/// </summary>
[DurableTask(TaskNames.CloseOutBatch)]
public sealed class CloseOutBatchOrchestrator : TaskOrchestrator<CloseOutInput, BatchOutput>
{
    /// <summary>Checks for the plan of a batch terminated while its notes were being read.</summary>
    public const int PlanWaits = 40;

    /// <summary>Wait between those checks.</summary>
    public static readonly TimeSpan PlanWait = TimeSpan.FromSeconds(15);

    /// <inheritdoc />
    public override async Task<BatchOutput> RunAsync(TaskOrchestrationContext context, CloseOutInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var retry = CodeBatchOrchestrator.RetryOf(input.Batch.Retry);
        for (int check = 1; ; check++)
        {
            bool planned = await context.CallActivityAsync<bool>(TaskNames.CloseOutShards, input, retry);
            if (planned || check >= PlanWaits)
            {
                break;
            }

            await context.CreateTimer(PlanWait, CancellationToken.None);
        }

        var progress = input.Batch.Progress;
        return await context.CallActivityAsync<BatchOutput>(TaskNames.SummarizeBatch, new SummarizeRequest(input.Batch, input.CreatedTime, progress?.StartedTime,
            context.CurrentUtcDateTime, RuntimeStatus.Terminated, input.Reason, progress?.Tally.CodingMilliseconds ?? 0), retry);
    }
}
