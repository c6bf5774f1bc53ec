using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using PlantFunctions.Contracts.Batches;
using PlantFunctions.Pipeline;
using PlantFunctions.Pipeline.Batches;

namespace PlantFunctions.Functions.Tasks;

/// <summary>The batch orchestrations and activities as functions of the same names: thin wrappers over the pipeline's classes.</summary>
public static class BatchTaskFunctions
{
    /// <summary>Orchestration: see <see cref="CodeBatchOrchestrator"/>.</summary>
    [Function(TaskNames.CodeBatch)]
    public static Task<BatchOutput?> CodeBatch([OrchestrationTrigger] TaskOrchestrationContext context) =>
        new CodeBatchOrchestrator().RunAsync(context, context.GetInput<CodeBatchInput>()!);

    /// <summary>Orchestration: see <see cref="CodeShardsOrchestrator"/>.</summary>
    [Function(TaskNames.CodeShards)]
    public static Task<BatchTally> CodeShards([OrchestrationTrigger] TaskOrchestrationContext context) =>
        new CodeShardsOrchestrator().RunAsync(context, context.GetInput<BlockInput>()!);

    /// <summary>Orchestration: see <see cref="CloseOutBatchOrchestrator"/>.</summary>
    [Function(TaskNames.CloseOutBatch)]
    public static Task<BatchOutput> CloseOutBatch([OrchestrationTrigger] TaskOrchestrationContext context) =>
        new CloseOutBatchOrchestrator().RunAsync(context, context.GetInput<CloseOutInput>()!);

    /// <summary>Activity: see <see cref="PlanBatchActivity"/>.</summary>
    [Function(TaskNames.PlanBatch)]
    public static Task<BatchPlan> PlanBatch([ActivityTrigger] PlanRequest input, FunctionContext function) =>
        FunctionActivityContext.RunAsync<PlanBatchActivity, PlanRequest, BatchPlan>(function, TaskNames.PlanBatch, input);

    /// <summary>Activity: see <see cref="CodeShardActivity"/>.</summary>
    [Function(TaskNames.CodeShard)]
    public static Task<ShardOutcome> CodeShard([ActivityTrigger] ShardTask input, FunctionContext function) =>
        FunctionActivityContext.RunAsync<CodeShardActivity, ShardTask, ShardOutcome>(function, TaskNames.CodeShard, input);

    /// <summary>Activity: see <see cref="RecordFailedShardActivity"/>.</summary>
    [Function(TaskNames.RecordFailedShard)]
    public static Task<ShardOutcome> RecordFailedShard([ActivityTrigger] ShardTask input, FunctionContext function) =>
        FunctionActivityContext.RunAsync<RecordFailedShardActivity, ShardTask, ShardOutcome>(function, TaskNames.RecordFailedShard, input);

    /// <summary>Activity: see <see cref="SummarizeBatchActivity"/>.</summary>
    [Function(TaskNames.SummarizeBatch)]
    public static Task<BatchOutput> SummarizeBatch([ActivityTrigger] SummarizeRequest input, FunctionContext function) =>
        FunctionActivityContext.RunAsync<SummarizeBatchActivity, SummarizeRequest, BatchOutput>(function, TaskNames.SummarizeBatch, input);

    /// <summary>Activity: see <see cref="CloseOutShardsActivity"/>.</summary>
    [Function(TaskNames.CloseOutShards)]
    public static Task<bool> CloseOutShards([ActivityTrigger] CloseOutInput input, FunctionContext function) =>
        FunctionActivityContext.RunAsync<CloseOutShardsActivity, CloseOutInput, bool>(function, TaskNames.CloseOutShards, input);
}
