using System.Globalization;

namespace PlantFunctions.Testing.Fakes;

/// <summary>
/// How the deterministic model doubles behave; test processes read it from environment variables
/// (<c>PLANT_FAKE_DELAY_MS</c>, <c>PLANT_FAKE_HOLD_DIR</c>, <c>PLANT_FAKE_TRAIN_STEPS</c>, <c>PLANT_FAKE_TRAIN_STEP_MS</c>).
/// </summary>
public sealed record FakeModelSettings
{
    /// <summary>Text that makes the fake coder throw for any group of notes that holds such a note (alone, too).</summary>
    public const string ThrowMarker = "#THROW#";

    /// <summary>
    /// Text that makes the fake coder hold on that note while <c>{HoldDirectory}/hold-note</c> exists (it writes
    /// <c>held-note</c> first, and goes on once the test deletes <c>hold-note</c>): an activity held at a known point.
    /// </summary>
    public const string HoldMarker = "#HOLD#";

    /// <summary>Text that makes the fake coder end its process at once (<see cref="Environment.FailFast(string)"/>), as a native crash in libtorch would.</summary>
    public const string CrashMarker = "#CRASH#";

    /// <summary>Time the fake coder spends per note (so a worker can be killed in the middle of a shard).</summary>
    public TimeSpan DelayPerNote { get; init; }

    /// <summary>
    /// A directory through which a test stops a process at a known point: while <c>hold-{process id}</c> exists there, the
    /// coder (before its next note) and the trainer (in the classifier stage, after a step of the call is checkpointed)
    /// write <c>held-{process id}</c> and wait (cancellable), so a kill that follows provably lands before the shard's
    /// result is written or inside the classifier stage. Null: never holds.
    /// </summary>
    public string? HoldDirectory { get; init; }

    /// <summary>Steps of a fake training run (one checkpoint per step).</summary>
    public int TrainSteps { get; init; } = 8;

    /// <summary>Time per training step.</summary>
    public TimeSpan TrainStepDelay { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Time per step of the language-model stage when set (a long first stage, the others quick). In-process hosts only.</summary>
    public TimeSpan? LanguageModelStepDelay { get; init; }

    /// <summary>
    /// When set, the fake trainer adds the step of every checkpoint it saved (after the save returned) here, in order,
    /// across every trainer of the process: a test sees whether two trainers advanced one job at once. In-process hosts only.
    /// </summary>
    public System.Collections.Concurrent.ConcurrentQueue<int>? SavedSteps { get; init; }

    /// <summary>Waits for cancellation, after writing <c>held-{process id}</c>, when <see cref="HoldDirectory"/> asks this process to hold.</summary>
    public void HoldIfAsked(CancellationToken cancellationToken)
    {
        if (HoldDirectory is not { } directory || !File.Exists(Path.Combine(directory, $"hold-{Environment.ProcessId}")))
        {
            return;
        }

        File.WriteAllText(Path.Combine(directory, $"held-{Environment.ProcessId}"), string.Empty);
        cancellationToken.WaitHandle.WaitOne();
        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>Holds while <c>hold-note</c> exists when <paramref name="text"/> has <see cref="HoldMarker"/> (see there).</summary>
    public void HoldOnNoteIfAsked(string text, CancellationToken cancellationToken)
    {
        if (HoldDirectory is not { } directory || !text.Contains(HoldMarker, StringComparison.Ordinal) || !File.Exists(Path.Combine(directory, "hold-note")))
        {
            return;
        }

        File.WriteAllText(Path.Combine(directory, "held-note"), string.Empty);
        while (File.Exists(Path.Combine(directory, "hold-note")))
        {
            if (cancellationToken.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(50)))
            {
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
    }

    /// <summary>Environment variables that carry these settings to a test process.</summary>
    public IReadOnlyDictionary<string, string> ToEnvironment() => new Dictionary<string, string>
    {
        ["PLANT_FAKE_DELAY_MS"] = ((int)DelayPerNote.TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
        ["PLANT_FAKE_HOLD_DIR"] = HoldDirectory ?? string.Empty,
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
            HoldDirectory = Environment.GetEnvironmentVariable("PLANT_FAKE_HOLD_DIR") is { Length: > 0 } hold ? hold : null,
            TrainSteps = Read("PLANT_FAKE_TRAIN_STEPS", defaults.TrainSteps),
            TrainStepDelay = TimeSpan.FromMilliseconds(Read("PLANT_FAKE_TRAIN_STEP_MS", (int)defaults.TrainStepDelay.TotalMilliseconds)),
        };
    }
}
