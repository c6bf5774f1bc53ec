using PlantFunctions.Pipeline.Orchestration;

namespace PlantFunctions.Host.Api;

/// <summary>A status payload shaped like Durable Functions' instance status.</summary>
/// <param name="Name">What runs: "CodeBatch" or "TrainModel".</param>
/// <param name="InstanceId">Batch or job id.</param>
/// <param name="RuntimeStatus">Pending, Running, Completed, Failed or Terminated.</param>
/// <param name="Input">What was asked for.</param>
/// <param name="CustomStatus">Progress.</param>
/// <param name="Output">Result locations once finished.</param>
/// <param name="CreatedTime">When it was accepted.</param>
/// <param name="LastUpdatedTime">Last change of state or progress.</param>
public sealed record InstanceStatus(
    string Name,
    string InstanceId,
    RuntimeStatus RuntimeStatus,
    object? Input,
    object? CustomStatus,
    object? Output,
    DateTimeOffset CreatedTime,
    DateTimeOffset LastUpdatedTime);
