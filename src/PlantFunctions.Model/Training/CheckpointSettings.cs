using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace PlantFunctions.Model.Training;

/// <summary>
/// The settings a checkpoint's run was started with, stored in it so that a resumed run continues the run it resumes:
/// the training options (without the ones left to the preset) and the plan they make, every stage's settings with the
/// preset's and the trainer's defaults filled in. A resume whose settings differ (a flag forgotten, another seed, or a
/// default that changed between builds) is refused, naming each difference, instead of finishing with a mix of both.
/// Checkpoints written before the settings were stored have none and resume as before; a setting the checkpoint does
/// not name (added by a later build) is not compared.
/// </summary>
public static class CheckpointSettings
{
    private const string Plan = "plan";

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>Stores the settings of <paramref name="options"/> in a checkpoint that has none; refuses settings that differ from the stored ones.</summary>
    /// <exception cref="TrainingSettingsMismatchException">The checkpoint was started with other settings.</exception>
    /// <exception cref="CorruptCheckpointException">The stored settings cannot be read.</exception>
    public static void Check(TrainingCheckpoint checkpoint, TrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(options);
        var current = Settings(options);
        if (checkpoint.Get(TrainingCheckpointParts.Options) is not { } stored)
        {
            checkpoint.Set(TrainingCheckpointParts.Options, JsonSerializer.SerializeToUtf8Bytes(current, Json));
            return;
        }

        JsonObject started;
        try
        {
            started = JsonNode.Parse(stored)?.AsObject() ?? throw new JsonException("null");
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            throw new CorruptCheckpointException($"{TrainingCheckpointParts.Options}: {ex.Message}", ex);
        }

        // The options first: when one differs, the plan's differences follow from it and would only repeat it.
        var differences = new List<TrainingSettingDifference>();
        Compare(started, current, "", differences, skip: Plan);
        if (differences.Count == 0 && started[Plan] is JsonObject startedPlan && current[Plan] is JsonObject currentPlan)
        {
            Compare(startedPlan, currentPlan, Plan + ".", differences);
        }

        if (differences.Count > 0)
        {
            throw new TrainingSettingsMismatchException(differences);
        }
    }

    /// <summary>The options with the preset's name in lower case and the ones left to the preset (nulls) out, and the plan as "plan".</summary>
    private static JsonObject Settings(TrainingOptions options)
    {
        var plan = TrainingPlan.For(options);
        var settings = JsonSerializer.SerializeToNode(options with { Preset = options.Preset.ToLowerInvariant() }, Json)!.AsObject();
        foreach (string unset in settings.Where(p => p.Value is null).Select(p => p.Key).ToList())
        {
            settings.Remove(unset);
        }

        settings[Plan] = JsonSerializer.SerializeToNode(plan, Json);
        return settings;
    }

    private static void Compare(JsonObject started, JsonObject current, string prefix, List<TrainingSettingDifference> differences, string? skip = null)
    {
        foreach (var (name, value) in started)
        {
            if (name == skip || !current.TryGetPropertyValue(name, out var now))
            {
                continue;
            }

            if (value is JsonObject startedPart && now is JsonObject currentPart)
            {
                Compare(startedPart, currentPart, prefix + name + ".", differences);
            }
            else if (!JsonNode.DeepEquals(value, now))
            {
                differences.Add(new TrainingSettingDifference(prefix + name, value?.ToJsonString() ?? "null", now?.ToJsonString() ?? "null"));
            }
        }
    }
}
