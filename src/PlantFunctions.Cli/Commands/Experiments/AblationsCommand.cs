using System.CommandLine;
using System.Globalization;

namespace PlantFunctions.Cli.Commands.Experiments;

/// <summary>
/// <c>plant experiment ablations</c>: trains every variant with every seed, evaluates each on the evaluation notes and
/// writes ablations.csv (one row per run), ablations-summary.csv and ablations.png (mean ± sd over seeds per variant).
/// </summary>
internal static class AblationsCommand
{
    internal static Command Create()
    {
        var command = new Command("ablations", "Train and evaluate PLANT's ablations (and the prior-only scorer) over seeds: CSV + PNG of mean ± sd");
        var options = ExperimentOptions.AddTo(command, string.Join(',', ExperimentVariant.All.Select(v => v.Name)));
        command.SetAction((parse, cancellationToken) => ExperimentCommand.Guard("ablations", async () =>
        {
            var settings = options.Read(parse);
            var runs = new ExperimentRuns(settings);
            var rows = new List<(ExperimentVariant Variant, int Seed, IReadOnlyDictionary<string, double> Metrics)>();
            foreach (int seed in settings.Seeds)
            {
                // The variants differ only after the language model: runs of one seed share the first one's.
                string? languageModel = settings.LanguageModelFrom;
                foreach (var variant in settings.Variants)
                {
                    string name = string.Create(CultureInfo.InvariantCulture, $"{variant.Name}-seed{seed}");
                    var (metrics, checkpoint) = await runs.RunAsync(name, variant, seed, settings.TrainingData(), settings.PriorTraining(), languageModel, cancellationToken).ConfigureAwait(false);
                    languageModel ??= checkpoint;
                    rows.Add((variant, seed, metrics));
                }
            }

            Write(settings, rows);
        }));
        return command;
    }

    private static void Write(ExperimentSettings settings, List<(ExperimentVariant Variant, int Seed, IReadOnlyDictionary<string, double> Metrics)> rows)
    {
        string[] metrics = ExperimentSettings.AblationMetrics;
        string csv = Path.Combine(settings.Output, "ablations.csv");
        ExperimentCsv.Write(csv, ["variant", "seed", .. metrics],
            rows.Select(r => (IReadOnlyList<object?>)[r.Variant.Name, r.Seed, .. metrics.Select(m => (object)ExperimentRuns.Metric(r.Metrics, m))]));
        var summary = settings.Variants.Select(v => (v.Name, Stats: metrics.Select(m => ExperimentCsv.MeanSd(rows.Where(r => r.Variant == v).Select(r => ExperimentRuns.Metric(r.Metrics, m)))).ToArray())).ToList();
        ExperimentCsv.Write(Path.Combine(settings.Output, "ablations-summary.csv"), ["variant", "runs", .. metrics.SelectMany(m => new[] { m, m + " sd" })],
            summary.Select(s => (IReadOnlyList<object?>)[s.Name, s.Stats.Max(x => x.Count), .. s.Stats.SelectMany(x => new object[] { x.Mean, x.Sd })]));
        string png = Path.Combine(settings.Output, "ablations.png");
        ExperimentCharts.GroupedBars(png, string.Create(CultureInfo.InvariantCulture, $"Ablations: mean ± sd over {settings.Seeds.Length} seed(s)"), "score",
            [.. summary.Select(s => s.Name)],
            [.. metrics.Select((m, i) => new BarSeries(m, [.. summary.Select(s => s.Stats[i].Mean)], [.. summary.Select(s => s.Stats[i].Sd)]))]);
        Console.WriteLine($"wrote {csv}, {Path.Combine(settings.Output, "ablations-summary.csv")} and {png}");
    }
}
