using System.Globalization;
using System.Text;

namespace PlantFunctions.Model.Evaluation;

/// <summary>
/// All metrics of one evaluation, as fractions in [0, 1]. NaN marks a metric the set cannot define (e.g. macro AUC when
/// no label has both positive and negative notes).
/// </summary>
public sealed record EvaluationReport
{
    /// <summary>Notes evaluated.</summary>
    public required int NoteCount { get; init; }

    /// <summary>Notes with at least one gold code (the population of MAP and R@k).</summary>
    public required int NotesWithGold { get; init; }

    /// <summary>Size of the label set.</summary>
    public required int LabelCount { get; init; }

    /// <summary>Labels with at least one gold note in the set (the population of the macro F1, precision and recall).</summary>
    public required int PresentLabelCount { get; init; }

    /// <summary>Mean average precision (CodiEsp definition).</summary>
    public required double MeanAveragePrecision { get; init; }

    /// <summary>P@k by k.</summary>
    public required IReadOnlyDictionary<int, double> PrecisionAtK { get; init; }

    /// <summary>R@k by k.</summary>
    public required IReadOnlyDictionary<int, double> RecallAtK { get; init; }

    /// <summary>MAP, P@k and R@k as Edin et al. (2023) count them (gold codes outside the label set and notes left without gold dropped); <c>null</c> when not computed.</summary>
    public RankingScores? EdinRanking { get; init; }

    /// <summary>ROC AUC over all (note, label) pairs.</summary>
    public required double MicroAuc { get; init; }

    /// <summary>Mean per-label ROC AUC over labels with positive and negative notes.</summary>
    public required double MacroAuc { get; init; }

    /// <summary>Pooled precision at the thresholds.</summary>
    public required double MicroPrecision { get; init; }

    /// <summary>Pooled recall at the thresholds (unseen gold codes are misses).</summary>
    public required double MicroRecall { get; init; }

    /// <summary>Pooled F1 at the thresholds.</summary>
    public required double MicroF1 { get; init; }

    /// <summary>Mean per-label precision over present labels.</summary>
    public required double MacroPrecision { get; init; }

    /// <summary>Mean per-label recall over present labels.</summary>
    public required double MacroRecall { get; init; }

    /// <summary>Mean per-label F1 over present labels.</summary>
    public required double MacroF1 { get; init; }

    /// <summary>Macro-F1 per training-frequency bucket; empty when no training frequencies were given.</summary>
    public required IReadOnlyList<BucketF1> BucketMacroF1 { get; init; }

    /// <summary>The thresholds the F1, precision and recall metrics were computed at.</summary>
    public required ThresholdSelection Thresholds { get; init; }

    /// <summary>
    /// The metrics by name for JSON ("MAP", "P@5", "R@8", "microAUC", "macroAUC", "microF1", "macroF1", "microP",
    /// "microR", "macroP", "macroR", "macroF1[1-5]", ..., "threshold"). Undefined (NaN) metrics are left out, so the
    /// dictionary serialises as plain JSON.
    /// </summary>
    public Dictionary<string, double> ToDictionary()
    {
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (name, value) in Rows())
        {
            if (!double.IsNaN(value))
            {
                metrics[name] = value;
            }
        }

        return metrics;
    }

    /// <summary>A plain-text table of all metrics, one per line, four decimals; "n/a" for undefined ones.</summary>
    public string ToTable()
    {
        var text = new StringBuilder();
        var culture = CultureInfo.InvariantCulture;
        text.AppendLine(culture, $"{NoteCount} notes ({NotesWithGold} with gold codes), {LabelCount} labels ({PresentLabelCount} present)");
        string mode = Thresholds.PerCode is null ? "global" : "per code, global fallback";
        string tuned = Thresholds.TunedMicroF1 is { } f1 ? string.Create(culture, $", tuned micro-F1 {f1:0.0000}") : ", fixed";
        text.AppendLine(culture, $"thresholds: {mode}{tuned}");
        text.AppendLine(culture, $"{"metric",-16} {"value",8}");
        foreach (var (name, value) in Rows())
        {
            string shown = double.IsNaN(value) ? "n/a" : value.ToString("0.0000", culture);
            var bucket = BucketMacroF1.FirstOrDefault(b => name == BucketKey(b));
            string note = bucket is null ? "" : string.Create(culture, $"  ({bucket.PresentLabelCount} of {bucket.LabelCount} labels present)");
            text.AppendLine(culture, $"{name,-16} {shown,8}{note}");
        }

        return text.ToString();
    }

    private IEnumerable<(string Name, double Value)> Rows()
    {
        yield return ("MAP", MeanAveragePrecision);
        foreach (var (k, value) in PrecisionAtK.OrderBy(p => p.Key))
        {
            yield return (string.Create(CultureInfo.InvariantCulture, $"P@{k}"), value);
        }

        foreach (var (k, value) in RecallAtK.OrderBy(p => p.Key))
        {
            yield return (string.Create(CultureInfo.InvariantCulture, $"R@{k}"), value);
        }

        if (EdinRanking is { } edin)
        {
            yield return ("MAP(Edin)", edin.MeanAveragePrecision);
            foreach (var (k, value) in edin.PrecisionAtK.OrderBy(p => p.Key))
            {
                yield return (string.Create(CultureInfo.InvariantCulture, $"P@{k}(Edin)"), value);
            }
        }

        yield return ("microAUC", MicroAuc);
        yield return ("macroAUC", MacroAuc);
        yield return ("microF1", MicroF1);
        yield return ("macroF1", MacroF1);
        yield return ("microP", MicroPrecision);
        yield return ("microR", MicroRecall);
        yield return ("macroP", MacroPrecision);
        yield return ("macroR", MacroRecall);
        foreach (var bucket in BucketMacroF1)
        {
            yield return (BucketKey(bucket), bucket.MacroF1);
        }

        // The shortest decimal that reads back as the same float: 0.3f is reported as 0.3, not 0.30000001192092896.
        yield return ("threshold", double.Parse(Thresholds.Global.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture));
    }

    private static string BucketKey(BucketF1 bucket) => $"macroF1[{bucket.Bucket.Name}]";
}
