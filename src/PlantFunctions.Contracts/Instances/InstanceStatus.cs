using System.Text.Json;

namespace PlantFunctions.Contracts.Instances;

/// <summary>
/// The status of an orchestration instance (a batch or a training job), in the shape of Durable Functions' HTTP API
/// (<c>GET /runtime/webhooks/durabletask/instances/{id}</c>): what the status URLs answer.
/// </summary>
/// <param name="Name">Orchestrator: "CodeBatch" or "TrainModel".</param>
/// <param name="InstanceId">Batch or training-job id.</param>
/// <param name="RuntimeStatus">Pending, Running, Completed, Failed, Terminated or Suspended.</param>
/// <param name="Input">The orchestration's input (for a batch: <c>CodeBatchInput</c>).</param>
/// <param name="CustomStatus">Progress (<see cref="Batches.BatchProgress"/>, <see cref="Training.TrainingProgressStatus"/>).</param>
/// <param name="Output">The result when Completed (<see cref="Batches.BatchOutput"/>, <see cref="Training.TrainingJobOutput"/>), the reason when Failed.</param>
/// <param name="CreatedTime">When it was scheduled.</param>
/// <param name="LastUpdatedTime">Last change of state or progress.</param>
public sealed record InstanceStatus(
    string Name,
    string InstanceId,
    RuntimeStatus RuntimeStatus,
    JsonElement? Input,
    JsonElement? CustomStatus,
    JsonElement? Output,
    DateTimeOffset CreatedTime,
    DateTimeOffset LastUpdatedTime)
{
    /// <summary>The custom status as <typeparamref name="T"/>, or <c>null</c>.</summary>
    public T? ReadCustomStatus<T>()
        where T : class => Read<T>(CustomStatus);

    /// <summary>The output as <typeparamref name="T"/>, or <c>null</c> (also when the output is a failure text).</summary>
    public T? ReadOutput<T>()
        where T : class => Output is { ValueKind: JsonValueKind.Object } ? Read<T>(Output) : null;

    /// <summary>The output when it is text: a failed instance's reason.</summary>
    public string? OutputText => Output is { ValueKind: JsonValueKind.String } text ? text.GetString() : null;

    private static T? Read<T>(JsonElement? element)
        where T : class => element is { ValueKind: JsonValueKind.Object } value ? value.Deserialize<T>(PlantJson.Options) : null;
}
