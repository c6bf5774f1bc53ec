using System.Globalization;
using System.Text.Json;
using PlantFunctions.Model.Evaluation;
using PlantFunctions.Model.Labels;

namespace PlantFunctions.Cli.Commands.Experiments;

/// <summary>
/// Per-code thresholds measured on cross-validation's out-of-fold scores: for each held-out fold, the global threshold
/// and the per-code thresholds (shrunk toward the global one by m pseudo-positives) are tuned on the other folds'
/// held-out scores (each note scored by the fold model that never saw it) and applied to this fold. A code a fold model
/// does not hold scores below every threshold there, and keeps the global threshold: a per-code threshold is tuned only
/// for codes every fold model holds (tuned over notes whose model lacks the code, it would fall to the absent score and
/// call the code on every note).
/// </summary>
internal static class CvThresholds
{
    /// <summary>Shrinkage strengths compared with the global threshold.</summary>
    public static readonly double[] Shrinks = [0, 1, 3, 10, 30];

    /// <summary>One fold model's scores of its held-out notes.</summary>
    public sealed record FoldScores(int Seed, int Fold, string[] Codes, string[] Ids, float[][] Logits, string[][] Gold);

    /// <summary>Writes a fold's scores.</summary>
    public static void Save(string path, FoldScores scores)
    {
        File.WriteAllText(path + ".tmp", JsonSerializer.Serialize(scores, CvEvaluator.Json));
        File.Move(path + ".tmp", path, overwrite: true);
    }

    /// <summary>Reads a fold's scores.</summary>
    public static FoldScores Load(string path) => JsonSerializer.Deserialize<FoldScores>(File.ReadAllText(path), CvEvaluator.Json)!;

    /// <summary>Rows (variant, thresholds, micro-F1 and macro-F1 mean and sd over folds) for one variant's folds.</summary>
    public static IEnumerable<IReadOnlyList<object?>> Rows(string variant, IReadOnlyList<FoldScores> folds)
    {
        var results = new Dictionary<string, List<(double Micro, double Macro)>>();
        foreach (var seed in folds.GroupBy(f => f.Seed))
        {
            var labels = new LabelSet([.. seed.SelectMany(f => f.Codes).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)]);
            var everyFold = seed.Select(f => f.Codes.AsEnumerable()).Aggregate((common, codes) => common.Intersect(codes, StringComparer.Ordinal)).ToHashSet(StringComparer.Ordinal);
            foreach (var test in seed)
            {
                var tuning = Set(seed.Where(f => f != test), labels);
                var held = Set([test], labels);
                var global = ThresholdTuner.TuneGlobal(tuning);
                Add(results, "global", ConfusionCounts.Count(held, global));
                foreach (double shrink in Shrinks)
                {
                    var thresholds = ThresholdTuner.PerCodeThresholds(tuning, global.Global, shrink);
                    for (int label = 0; label < thresholds.Length; label++)
                    {
                        if (!everyFold.Contains(labels.Codes[label]))
                        {
                            thresholds[label] = global.Global;
                        }
                    }

                    var perCode = global with { PerCode = thresholds };
                    Add(results, string.Create(CultureInfo.InvariantCulture, $"per code, m={shrink}"), ConfusionCounts.Count(held, perCode));
                }
            }
        }

        foreach (var (name, values) in results)
        {
            var micro = ExperimentCsv.MeanSd(values.Select(v => v.Micro));
            var macro = ExperimentCsv.MeanSd(values.Select(v => v.Macro));
            yield return [variant, name, values.Count, micro.Mean, micro.Sd, macro.Mean, macro.Sd];
        }
    }

    private static void Add(Dictionary<string, List<(double, double)>> results, string name, ConfusionCounts counts)
    {
        if (!results.TryGetValue(name, out var list))
        {
            results[name] = list = [];
        }

        list.Add((counts.MicroF1, counts.MacroF1));
    }

    /// <summary>The folds' notes over <paramref name="labels"/>: a code a fold model lacks scores -1e9 there.</summary>
    private static EvaluationSet Set(IEnumerable<FoldScores> folds, LabelSet labels)
    {
        var rows = new List<float[]>();
        var gold = new List<IEnumerable<string>>();
        foreach (var fold in folds)
        {
            var columns = fold.Codes.Select(labels.IndexOf).ToArray();
            for (int note = 0; note < fold.Ids.Length; note++)
            {
                var row = Enumerable.Repeat(-1e9f, labels.Count).ToArray();
                for (int c = 0; c < columns.Length; c++)
                {
                    row[columns[c]] = fold.Logits[note][c];
                }

                rows.Add(row);
                gold.Add(fold.Gold[note]);
            }
        }

        return EvaluationSet.FromCodes([.. rows], gold, labels);
    }
}
