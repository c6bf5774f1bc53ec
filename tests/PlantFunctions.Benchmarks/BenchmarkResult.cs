using PlantFunctions.Contracts.Batches;
using PlantFunctions.Contracts.Instances;
using PlantFunctions.Pipeline.Batches;

namespace PlantFunctions.Benchmarks;

/// <summary>What one run measured.</summary>
/// <param name="Status">The batch's final status, as its status URL answered.</param>
/// <param name="Input">The input of the batch orchestration's last generation (NextShard says how many generations ran).</param>
/// <param name="Summary">summary.json, when the batch wrote one.</param>
/// <param name="WallClock">Submission (POST /api/batches) to the status URL saying the batch finished.</param>
/// <param name="History">Rows and bytes of the batch instance in the task hub's History and Instances tables.</param>
/// <param name="Replay">The orchestrator's replay of its last execution, when asked for.</param>
/// <param name="WorkerStartup">With warm workers: how long the worker processes took to start before the clock started.</param>
/// <param name="Failover">With a worker killed mid-batch: what it cost.</param>
internal sealed record BenchmarkResult(InstanceStatus Status, CodeBatchInput? Input, BatchSummary? Summary, TimeSpan WallClock, HistorySize History, ReplayTiming? Replay,
    TimeSpan? WorkerStartup, Failover? Failover = null)
{
    /// <summary>Generations the batch orchestration ran (1 + ContinueAsNew calls): the last generation's first shard / shards per generation + 1.</summary>
    public int? Generations => Input is null ? null : Input.Progress is { } progress ? progress.NextShard / Math.Max(1, Input.ShardsPerGeneration) + 1 : 1;
}
