using System.Globalization;

namespace PlantFunctions.Testing.Fakes;

/// <summary>
/// How the deterministic model doubles behave; test processes read it from environment variables
/// (<c>PLANT_FAKE_DELAY_MS</c>, <c>PLANT_FAKE_TRAIN_STEPS</c>, <c>PLANT_FAKE_TRAIN_STEP_MS</c>).
/// </summary>
public sealed record FakeModelSettings
{
    /// <summary>Text that makes the fake coder throw for any group of notes that holds such a note (alone, too).</summary>
    public const string ThrowMarker = "#THROW#";

    /// <summary>Time the fake coder spends per note (so a worker can be killed in the middle of a shard).</summary>
    public TimeSpan DelayPerNote { get; init; }

    /// <summary>Steps of a fake training run (one checkpoint per step).</summary>
    public int TrainSteps { get; init; } = 8;

    /// <summary>Time per training step.</summary>
    public TimeSpan TrainStepDelay { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Environment variables that carry these settings to a test process.</summary>
    public IReadOnlyDictionary<string, string> ToEnvironment() => new Dictionary<string, string>
    {
        ["PLANT_FAKE_DELAY_MS"] = ((int)DelayPerNote.TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
        ["PLANT_FAKE_TRAIN_STEPS"] = TrainSteps.ToString(CultureInfo.InvariantCulture),
        ["PLANT_FAKE_TRAIN_STEP_MS"] = ((int)TrainStepDelay.TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>Reads the settings from the environment (defaults for anything unset).</summary>
    public static FakeModelSettings FromEnvironment()
    {
        static int Read(string name, int fallback) =>
            int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) ? value : fallback;
        var defaults = new FakeModelSettings();
        return new FakeModelSettings
        {
            DelayPerNote = TimeSpan.FromMilliseconds(Read("PLANT_FAKE_DELAY_MS", 0)),
            TrainSteps = Read("PLANT_FAKE_TRAIN_STEPS", defaults.TrainSteps),
            TrainStepDelay = TimeSpan.FromMilliseconds(Read("PLANT_FAKE_TRAIN_STEP_MS", (int)defaults.TrainStepDelay.TotalMilliseconds)),
        };
    }
}
