using System.Text.Json;
using Microsoft.DurableTask.Client;
using PlantFunctions.Contracts;
using PlantFunctions.Contracts.Instances;

namespace PlantFunctions.Pipeline.Instances;

/// <summary>Turns the engine's view of an instance into the status payload both hosts answer with.</summary>
public static class InstanceStatuses
{
    /// <summary>The status of <paramref name="metadata"/> (read with inputs and outputs).</summary>
    public static InstanceStatus From(OrchestrationMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        var status = metadata.RuntimeStatus switch
        {
            OrchestrationRuntimeStatus.Pending => RuntimeStatus.Pending,
            OrchestrationRuntimeStatus.Completed => RuntimeStatus.Completed,
            OrchestrationRuntimeStatus.Failed => RuntimeStatus.Failed,
            OrchestrationRuntimeStatus.Terminated => RuntimeStatus.Terminated,
            OrchestrationRuntimeStatus.Suspended => RuntimeStatus.Suspended,
            _ => RuntimeStatus.Running,
        };
        JsonElement? output = metadata.FailureDetails is { } failure
            ? JsonSerializer.SerializeToElement($"{failure.ErrorType}: {failure.ErrorMessage}")
            : Parse(metadata.SerializedOutput);
        return new InstanceStatus(metadata.Name, metadata.InstanceId, status, Parse(metadata.SerializedInput), Parse(metadata.SerializedCustomStatus), output,
            metadata.CreatedAt, metadata.LastUpdatedAt);
    }

    /// <summary>Reads the instance's input as <typeparamref name="T"/>, or null.</summary>
    public static T? ReadInput<T>(OrchestrationMetadata metadata)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(metadata);
        return metadata.SerializedInput is { Length: > 0 } input ? JsonSerializer.Deserialize<T>(input, PlantJson.Options) : null;
    }

    /// <summary>
    /// Reads the instance's input as <typeparamref name="T"/>; false (with the reason) when it cannot be read, e.g. an
    /// input written by another version with a field of another type. Never throws for bad input.
    /// </summary>
    public static bool TryReadInput<T>(OrchestrationMetadata metadata, out T? input, out string? problem)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(metadata);
        try
        {
            input = ReadInput<T>(metadata);
            problem = input is null ? "the instance has no input" : null;
            return input is not null;
        }
        catch (JsonException ex)
        {
            input = null;
            problem = $"its input is not a {typeof(T).Name}: {ex.Message}";
            return false;
        }
    }

    /// <summary>JSON text as an element; text that is not JSON (a failure message) as a JSON string.</summary>
    private static JsonElement? Parse(string? serialized)
    {
        if (string.IsNullOrEmpty(serialized))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(serialized);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return JsonSerializer.SerializeToElement(serialized);
        }
    }
}
