using Microsoft.DurableTask;
using PlantFunctions.Pipeline.Batches;
using PlantFunctions.Pipeline.Training;

namespace PlantFunctions.Pipeline;

/// <summary>The one list of orchestrations and activities, registered by every host that runs them.</summary>
public static class PlantTasks
{
    /// <summary>Every orchestrator and activity type, for hosts that need the list itself (the Functions app's parity test).</summary>
    public static IReadOnlyList<Type> All { get; } =
    [
        typeof(CodeBatchOrchestrator),
        typeof(CodeShardsOrchestrator),
        typeof(PlanBatchActivity),
        typeof(CodeShardActivity),
        typeof(RecordFailedShardActivity),
        typeof(SummarizeBatchActivity),
        typeof(CloseOutBatchOrchestrator),
        typeof(CloseOutShardsActivity),
        typeof(TrainModelOrchestrator),
        typeof(TrainStageActivity),
        typeof(RegisterModelActivity),
    ];

    /// <summary>Registers every task (<c>services.AddDurableTaskWorker(b => b.AddTasks(PlantTasks.Register))</c>).</summary>
    public static void Register(DurableTaskRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.AddOrchestrator<CodeBatchOrchestrator>();
        registry.AddOrchestrator<CodeShardsOrchestrator>();
        registry.AddActivity<PlanBatchActivity>();
        registry.AddActivity<CodeShardActivity>();
        registry.AddActivity<RecordFailedShardActivity>();
        registry.AddActivity<SummarizeBatchActivity>();
        registry.AddOrchestrator<CloseOutBatchOrchestrator>();
        registry.AddActivity<CloseOutShardsActivity>();
        registry.AddOrchestrator<TrainModelOrchestrator>();
        registry.AddActivity<TrainStageActivity>();
        registry.AddActivity<RegisterModelActivity>();
    }
}
