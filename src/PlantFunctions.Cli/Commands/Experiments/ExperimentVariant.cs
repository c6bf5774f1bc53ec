namespace PlantFunctions.Cli.Commands.Experiments;

/// <summary>
/// A system the experiments train and evaluate: PLANT, one of its ablations (the <c>plant train</c> flags that make
/// it), or the prior-only scorer, which is not trained.
/// </summary>
internal sealed record ExperimentVariant(string Name, string[] TrainFlags, bool Trained = true)
{
    public static readonly IReadOnlyList<ExperimentVariant> All =
    [
        new("plant", []),
        new("no-static", ["--no-static"]),
        new("no-planted", ["--no-planted"]),
        new("no-inattention", ["--no-inattention"]),
        new("stateless", ["--stateless"]),
        new("truncated", ["--attention-window", "2880"]),
        new("no-discriminative", ["--no-discriminative"]),
        new("full-unfreeze", ["--full-unfreeze"]),
        new("laat", ["--laat"]),
        new("faithful", ["--no-static-term"]),
        new("prior", [], Trained: false),
    ];

    /// <summary>The variants a comma-separated list names, in its order; throws naming any unknown one.</summary>
    public static IReadOnlyList<ExperimentVariant> Parse(string list)
    {
        var variants = new List<ExperimentVariant>();
        foreach (string name in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var variant = All.FirstOrDefault(v => v.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
                ?? throw new ArgumentException($"unknown variant '{name}'; known: {string.Join(", ", All.Select(v => v.Name))}");
            if (!variants.Contains(variant))
            {
                variants.Add(variant);
            }
        }

        return variants.Count > 0 ? variants : throw new ArgumentException("--variants names no variant");
    }
}
