using System.Globalization;

namespace PlantFunctions.Cli.Commands.Experiments;

/// <summary>
/// A system the experiments train and evaluate: PLANT, one of its ablations (the <c>plant train</c> flags that make
/// it), or the prior-only scorer, which is not trained. Variants are the same when their names are.
/// </summary>
internal sealed record ExperimentVariant(string Name, string[] TrainFlags, bool Trained = true)
{
    /// <summary>Prefix of a truncation at another window than the authors' 2,880 tokens, e.g. truncated-576.</summary>
    private const string TruncatedAt = "truncated-";

    public static readonly IReadOnlyList<ExperimentVariant> All =
    [
        new("plant", []),
        new("no-static", ["--no-static"]),
        new("no-planted", ["--no-planted"]),
        new("no-inattention", ["--no-inattention"]),
        new("inattention", ["--inattention"]),
        new("stateless", ["--stateless"]),
        new("truncated", ["--attention-window", "2880"]),
        new("no-discriminative", ["--no-discriminative"]),
        new("gradual-unfreeze", ["--gradual-unfreeze"]),
        new("laat", ["--laat"]),
        new("faithful", ["--no-static-term"]),
        new("category-sharing", ["--category-sharing"]),
        new("borrow", ["--borrow"]),
        new("no-borrow", ["--no-borrow"]),
        new("planted-queries", ["--planted-queries"]),
        new("borrow-planted", ["--borrow", "--planted-queries"]),
        new("paper-inattention", ["--inattention", "--paper-inattention"]),
        new("assertion-term", ["--assertion-term"]),
        new("prior", [], Trained: false),
        new("prior-borrow", ["--borrow"], Trained: false),
    ];

    /// <summary>
    /// Names that rows of earlier tables carry (docs/experiments/ablations-*.csv) and no longer name a variant of the grid:
    /// full-unfreeze, the default since 2026-12-03, now trains exactly as plant does. Read and run as before, never in the
    /// default grid.
    /// </summary>
    private static readonly IReadOnlyList<ExperimentVariant> Retired = [new("full-unfreeze", ["--full-unfreeze"])];

    /// <summary>The variants a comma-separated list names, in its order; throws naming any unknown one.</summary>
    public static IReadOnlyList<ExperimentVariant> Parse(string list)
    {
        var variants = new List<ExperimentVariant>();
        foreach (string name in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var variant = Find(name)
                ?? throw new ArgumentException($"unknown variant '{name}'; known: {string.Join(", ", All.Select(v => v.Name))}, {TruncatedAt}N (attention over the last N tokens)");
            if (!variants.Contains(variant))
            {
                variants.Add(variant);
            }
        }

        return variants.Count > 0 ? variants : throw new ArgumentException("--variants names no variant");
    }

    /// <summary>The variant <paramref name="name"/> names, or null: one of <see cref="All"/> (or a retired name), or truncated-N for a window of N tokens.</summary>
    public static ExperimentVariant? Find(string name)
    {
        if (All.Concat(Retired).FirstOrDefault(v => v.Name.Equals(name, StringComparison.OrdinalIgnoreCase)) is { } known)
        {
            return known;
        }

        return name.StartsWith(TruncatedAt, StringComparison.OrdinalIgnoreCase)
            && int.TryParse(name.AsSpan(TruncatedAt.Length), NumberStyles.None, CultureInfo.InvariantCulture, out int window) && window > 0
            ? new ExperimentVariant(TruncatedAt + window.ToString(CultureInfo.InvariantCulture), ["--attention-window", window.ToString(CultureInfo.InvariantCulture)])
            : null;
    }

    public bool Equals(ExperimentVariant? other) => other is not null && Name == other.Name;

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Name);
}
