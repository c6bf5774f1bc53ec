using System.Text.Json;
using System.Text.Json.Serialization;

namespace PlantFunctions.Model.Training;

/// <summary>
/// The training options a checkpoint was started with, stored in it so that a resumed run continues the run it
/// resumes: a resume that asks for other options (a flag forgotten, or a default changed between builds) is refused,
/// naming each difference, instead of silently finishing with a mix of both. Checkpoints written before the options
/// were stored have none and resume as before; an option a checkpoint does not name (added by a later build) is not
/// compared.
/// </summary>
internal static class CheckpointSettings
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>Stores <paramref name="options"/> in a checkpoint that has none; refuses options that differ from the stored ones.</summary>
    /// <exception cref="TrainingSettingsMismatchException">The checkpoint was started with other options.</exception>
    internal static void Check(TrainingCheckpoint checkpoint, TrainingOptions options)
    {
        var current = JsonSerializer.SerializeToElement(options, Json);
        if (checkpoint.Get(TrainingCheckpointParts.Options) is not { } stored)
        {
            checkpoint.Set(TrainingCheckpointParts.Options, JsonSerializer.SerializeToUtf8Bytes(current, Json));
            return;
        }

        using var document = JsonDocument.Parse(stored);
        var differences = new List<TrainingSettingDifference>();
        foreach (var property in document.RootElement.EnumerateObject())
        {
            if (current.TryGetProperty(property.Name, out var value) && !JsonElement.DeepEquals(property.Value, value))
            {
                differences.Add(new TrainingSettingDifference(property.Name, property.Value.GetRawText(), value.GetRawText()));
            }
        }

        if (differences.Count > 0)
        {
            throw new TrainingSettingsMismatchException(differences);
        }
    }
}
