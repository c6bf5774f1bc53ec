using Microsoft.DurableTask;

namespace PlantFunctions.Pipeline.Batches;

/// <summary>The input of <see cref="CodeShardsOrchestrator"/>: the batch's settings and a range of its shards.</summary>
/// <param name="Batch">The batch's input.</param>
/// <param name="PlanId">The plan whose shard inputs to read.</param>
/// <param name="FirstShard">The block's first shard.</param>
/// <param name="EndShard">One past its last shard.</param>
public sealed record BlockInput(CodeBatchInput Batch, string? PlanId, int FirstShard, int EndShard);

/// <summary>
/// Codes one block of a batch's shards (version 2 of <see cref="CodeBatchOrchestrator"/>): every shard of the block at
/// once as <see cref="CodeShardActivity"/> with the batch's retry policy (a shard that fails every attempt gets error
/// records from <see cref="RecordFailedShardActivity"/>), its custom status the block's tally so far (the batch's
/// status adds the blocks in flight to what the finished ones reported), and returns the block's tally. A block is
/// its own instance with its own history, so neither grows with the batch. Deterministic: no I/O, no clock.
/// </summary>
[DurableTask(TaskNames.CodeShards)]
public sealed class CodeShardsOrchestrator : TaskOrchestrator<BlockInput, BatchTally>
{
    /// <inheritdoc />
    public override async Task<BatchTally> RunAsync(TaskOrchestrationContext context, BlockInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var retry = CodeBatchOrchestrator.RetryOf(input.Batch.Retry);
        var tally = BatchTally.Zero;
        context.SetCustomStatus(tally);
        var pending = Enumerable.Range(input.FirstShard, input.EndShard - input.FirstShard)
            .Select(shard => CodeBatchOrchestrator.CodeShardAsync(context, input.Batch, input.PlanId, shard, retry)).ToList();
        while (pending.Count > 0)
        {
            var finished = await Task.WhenAny(pending);
            pending.Remove(finished);
            tally = tally.Add(await finished);
            context.SetCustomStatus(tally);
        }

        return tally;
    }
}
