using System.CommandLine;
using System.Globalization;

namespace PlantFunctions.Cli.Commands.Experiments;

/// <summary>
/// <c>plant experiment ablations</c>: trains every variant with every seed, evaluates each on the evaluation notes and
/// writes ablations.csv (one row per run), ablations-summary.csv and ablations.png (mean ± sd over seeds per variant).
/// Rows of earlier tables (<c>--earlier</c>, e.g. a grid split across machines or sessions) join the table and summary
/// for the variant and seed pairs not run this time (a pair in several files: the last file's row).
/// </summary>
internal static class AblationsCommand
{
    internal static Command Create()
    {
        var command = new Command("ablations", "Train and evaluate PLANT's ablations (and the prior-only scorer) over seeds: CSV + PNG of mean ± sd");
        var options = ExperimentOptions.AddTo(command, string.Join(',', ExperimentVariant.All.Select(v => v.Name)));
        var earlier = new Option<string[]>("--earlier")
        {
            Description = "ablations.csv files of earlier runs: their rows join the table for the variant/seed pairs not run now",
            AllowMultipleArgumentsPerToken = true,
        };
        command.Options.Add(earlier);
        command.SetAction((parse, cancellationToken) => ExperimentCommand.Guard("ablations", async () =>
        {
            var settings = options.Read(parse);
            var runs = new ExperimentRuns(settings);
            // Read before any run, so a bad file fails in a second rather than after hours of training.
            // A pair in several files takes the row of the last file that has it.
            var previous = new Dictionary<(ExperimentVariant, int), (ExperimentVariant Variant, int Seed, IReadOnlyDictionary<string, double> Metrics, string File)>();
            foreach (string file in parse.GetValue(earlier) ?? [])
            {
                foreach (var (variant, seed, metrics) in ReadEarlier(file))
                {
                    if (previous.TryGetValue((variant, seed), out var replaced))
                    {
                        Console.WriteLine($"{variant.Name} seed {seed}: the row of {file} replaces the one of {replaced.File}");
                    }

                    previous[(variant, seed)] = (variant, seed, metrics, file);
                }
            }

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

            foreach (var row in previous.Values)
            {
                if (rows.Any(r => r.Variant == row.Variant && r.Seed == row.Seed))
                {
                    Console.WriteLine($"{row.Variant.Name} seed {row.Seed}: this run's metrics replace the earlier row");
                }
                else
                {
                    rows.Add((row.Variant, row.Seed, row.Metrics));
                }
            }

            Write(settings, rows);
        }));
        return command;
    }

    private static void Write(ExperimentSettings settings, List<(ExperimentVariant Variant, int Seed, IReadOnlyDictionary<string, double> Metrics)> rows)
    {
        string[] metrics = ExperimentSettings.AblationMetrics;
        var variants = settings.Variants.Concat(rows.Select(r => r.Variant)).Distinct().ToList();
        rows = [.. rows.OrderBy(r => variants.IndexOf(r.Variant)).ThenBy(r => r.Seed)];
        string csv = Path.Combine(settings.Output, "ablations.csv");
        ExperimentCsv.Write(csv, ["variant", "seed", .. metrics],
            rows.Select(r => (IReadOnlyList<object?>)[r.Variant.Name, r.Seed, .. metrics.Select(m => (object)ExperimentRuns.Metric(r.Metrics, m))]));
        var summary = variants.Select(v => (v.Name, Stats: metrics.Select(m => ExperimentCsv.MeanSd(rows.Where(r => r.Variant == v).Select(r => ExperimentRuns.Metric(r.Metrics, m)))).ToArray())).ToList();
        ExperimentCsv.Write(Path.Combine(settings.Output, "ablations-summary.csv"), ["variant", "runs", .. metrics.SelectMany(m => new[] { m, m + " sd" })],
            summary.Select(s => (IReadOnlyList<object?>)[s.Name, s.Stats.Max(x => x.Count), .. s.Stats.SelectMany(x => new object[] { x.Mean, x.Sd })]));
        string png = Path.Combine(settings.Output, "ablations.png");
        ExperimentCharts.GroupedBars(png, string.Create(CultureInfo.InvariantCulture, $"Ablations: mean ± sd over {SeedsText(rows.GroupBy(r => r.Variant).Select(g => g.Count()))}"), "score",
            [.. summary.Select(s => s.Name)],
            [.. metrics.Select((m, i) => new BarSeries(m, [.. summary.Select(s => s.Stats[i].Mean)], [.. summary.Select(s => s.Stats[i].Sd)]))]);
        Console.WriteLine($"wrote {csv}, {Path.Combine(settings.Output, "ablations-summary.csv")} and {png}");
    }

    private static string SeedsText(IEnumerable<int> runsPerVariant)
    {
        int[] counts = [.. runsPerVariant];
        int least = counts.Min(), most = counts.Max();
        return least == most ? $"{most} seed(s)" : $"{least}-{most} seeds per variant";
    }

    /// <summary>The rows of an earlier ablations.csv; throws naming the file and line of a row it cannot read.</summary>
    private static IEnumerable<(ExperimentVariant Variant, int Seed, IReadOnlyDictionary<string, double> Metrics)> ReadEarlier(string path)
    {
        string[] lines = File.ReadAllLines(path);
        string[] header = lines.Length > 0 ? lines[0].Split(',') : [];
        string[] expected = ["variant", "seed", .. ExperimentSettings.AblationMetrics];
        if (!header.SequenceEqual(expected))
        {
            throw new InvalidDataException($"{path}: expected the header '{string.Join(',', expected)}' of an ablations.csv");
        }

        var rows = new List<(ExperimentVariant, int, IReadOnlyDictionary<string, double>)>();
        for (int line = 1; line < lines.Length; line++)
        {
            if (lines[line].Length == 0)
            {
                continue;
            }

            string[] cells = lines[line].Split(',');
            var variant = cells.Length == expected.Length ? ExperimentVariant.Find(cells[0]) : null;
            if (variant is null || !int.TryParse(cells[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out int seed))
            {
                throw new InvalidDataException($"{path}, line {line + 1}: expected a known variant, a seed and {expected.Length - 2} metrics, got '{lines[line]}'");
            }

            var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
            for (int i = 2; i < cells.Length; i++)
            {
                if (cells[i].Length == 0)
                {
                    continue; // undefined in that run, as plant evaluate leaves it out
                }

                metrics[expected[i]] = double.TryParse(cells[i], NumberStyles.Float, CultureInfo.InvariantCulture, out double value)
                    ? value : throw new InvalidDataException($"{path}, line {line + 1}: {expected[i]} '{cells[i]}' is not a number");
            }

            rows.Add((variant, seed, metrics));
        }

        return rows;
    }
}
