using PlantFunctions.Model.Notes;

namespace PlantFunctions.Cli.Commands.Experiments;

/// <summary>What <see cref="ExperimentOptions"/> read: the data, the runs to make and the arguments every run gets.</summary>
/// <param name="CodiEsp">CodiEsp root, or <c>null</c> with <paramref name="Notes"/>.</param>
/// <param name="Labels">CodiEsp label set.</param>
/// <param name="Notes">Coded training notes, or <c>null</c> with <paramref name="CodiEsp"/>.</param>
/// <param name="ValidationNotes">Fixed validation notes, or <c>null</c>.</param>
/// <param name="EvaluateArguments"><c>plant evaluate</c> arguments naming the evaluation notes (and the CodiEsp root).</param>
/// <param name="TrainArguments"><c>plant train</c> arguments every run gets (preset, device, epochs).</param>
/// <param name="Seeds">Seeds, one run per variant each.</param>
/// <param name="Variants">Variants in the order given.</param>
/// <param name="LanguageModelFrom">Checkpoint whose language model every run starts from, or <c>null</c>.</param>
/// <param name="Output">Output folder (full path).</param>
internal sealed record ExperimentSettings(
    string? CodiEsp,
    CodiEspLabels Labels,
    string? Notes,
    string? ValidationNotes,
    string[] EvaluateArguments,
    string[] TrainArguments,
    int[] Seeds,
    IReadOnlyList<ExperimentVariant> Variants,
    string? LanguageModelFrom,
    string Output)
{
    /// <summary>The metrics the ablation table and chart show.</summary>
    public static readonly string[] AblationMetrics = ["MAP", "P@5", "P@8", "P@15", "microF1", "macroF1"];

    /// <summary>Where the runs' models, checkpoints and metrics go.</summary>
    public string Runs => Path.Combine(Output, "runs");

    /// <summary>The <c>plant train</c> data arguments for the notes as given (no subsetting).</summary>
    public string[] TrainingData() =>
    [
        .. CodiEsp is null ? ["--notes", Notes!] : new[] { "--codiesp", CodiEsp, "--labels", Labels.ToString() },
        .. ValidationNotes is null ? [] : new[] { "--validation", ValidationNotes },
    ];

    /// <summary>The <c>plant evaluate</c> arguments that give the prior-only scorer its training notes (with CodiEsp: its train split).</summary>
    public string[] PriorTraining() => CodiEsp is null ? ["--baseline-train", Notes!] : [];
}
