using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using PlantFunctions.Model.Notes;

namespace PlantFunctions.Cli.Commands.Experiments;

/// <summary>
/// <c>plant experiment data-efficiency</c> (the paper's Figure 4): trains each variant on seeded fractions of the
/// training notes, validation fixed, and writes P@5 and P@15 against the fraction (data-efficiency.csv and .png).
/// </summary>
internal static class DataEfficiencyCommand
{
    /// <summary>Share of the training notes held out for validation when no --validation-notes are given, and its seed.</summary>
    private const double ValidationFraction = 0.1;
    private const int ValidationSeed = 42;
    private static readonly string[] Metrics = ["MAP", "P@5", "P@15"];

    internal static Command Create()
    {
        var fractions = new Option<string>("--fractions") { Description = "Comma-separated fractions of the training notes", DefaultValueFactory = _ => "0.1,0.25,0.5,1.0" };
        var command = new Command("data-efficiency", "Train on seeded fractions of the training notes (validation fixed): P@5 and P@15 against the fraction, CSV + PNG") { fractions };
        var options = ExperimentOptions.AddTo(command, "plant,laat");
        command.SetAction((parse, cancellationToken) => ExperimentCommand.Guard("data-efficiency", async () =>
        {
            var settings = options.Read(parse);
            double[] shares = [.. parse.GetValue(fractions)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(ParseFraction)];
            var (pool, validation) = Prepare(settings);
            var runs = new ExperimentRuns(settings);
            var rows = new List<(ExperimentVariant Variant, double Fraction, int Seed, int Notes, IReadOnlyDictionary<string, double> Metrics)>();
            foreach (int seed in settings.Seeds)
            {
                var order = Shuffle(pool, seed);
                foreach (double fraction in shares)
                {
                    // Nested subsets: for one seed a smaller fraction is a prefix of a larger one.
                    var subset = order.Take(Math.Max(1, (int)Math.Round(fraction * order.Count))).ToList();
                    string name = string.Create(CultureInfo.InvariantCulture, $"f{fraction:0.###}-seed{seed}");
                    string train = WriteNotes(Path.Combine(settings.Output, "data", $"train-{name}.jsonl"), subset);
                    string[] data = ["--notes", train, "--validation", validation, .. Unlabelled(settings)];
                    string? languageModel = settings.LanguageModelFrom;
                    foreach (var variant in settings.Variants)
                    {
                        var (metrics, checkpoint) = await runs.RunAsync($"{variant.Name}-{name}", variant, seed, data, ["--baseline-train", train], languageModel, cancellationToken).ConfigureAwait(false);
                        languageModel ??= checkpoint;
                        rows.Add((variant, fraction, seed, subset.Count, metrics));
                    }
                }
            }

            Write(settings, shares, rows);
        }));
        return command;
    }

    /// <summary>The notes fractions are drawn from, and the fixed validation file (given, or split off once).</summary>
    private static (List<ClinicalNote> Pool, string Validation) Prepare(ExperimentSettings settings)
    {
        var coded = CorpusArguments.Load(settings.CodiEsp, settings.Notes, settings.Labels, "train")
            .Where(n => n.Codes is { Count: > 0 }).OrderBy(n => n.Id, StringComparer.Ordinal).ToList();
        if (settings.ValidationNotes is { } given)
        {
            return (coded, Path.GetFullPath(given));
        }

        var shuffled = Shuffle(coded, ValidationSeed);
        int count = Math.Max(1, (int)(coded.Count * ValidationFraction));
        string validation = WriteNotes(Path.Combine(settings.Output, "data", "validation.jsonl"), shuffled.Take(count));
        return ([.. shuffled.Skip(count).OrderBy(n => n.Id, StringComparer.Ordinal)], validation);
    }

    /// <summary>CodiEsp's unlabelled background notes join every run's language model, as in <c>plant train --codiesp</c>.</summary>
    private static string[] Unlabelled(ExperimentSettings settings) =>
        settings.CodiEsp is { } root && Path.Combine(root, "background", "text_files_en") is var background && Directory.Exists(background)
            ? ["--unlabelled", background] : [];

    private static List<ClinicalNote> Shuffle(IEnumerable<ClinicalNote> notes, int seed)
    {
        var random = new Random(seed);
        return [.. notes.OrderBy(_ => random.Next())];
    }

    private static string WriteNotes(string path, IEnumerable<ClinicalNote> notes)
    {
        // Written aside and renamed into place: a run of another invocation reading the same file never sees it half written.
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        string pending = $"{path}.{Environment.ProcessId}.tmp";
        File.WriteAllLines(pending, notes.Select(n => JsonSerializer.Serialize(new { id = n.Id, text = n.Text, codes = n.Codes })));
        File.Move(pending, path, overwrite: true);
        return path;
    }

    private static double ParseFraction(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && value is > 0 and <= 1
            ? value : throw new ArgumentException($"--fractions: '{text}' is not a fraction in (0, 1]");

    private static void Write(ExperimentSettings settings, double[] fractions, List<(ExperimentVariant Variant, double Fraction, int Seed, int Notes, IReadOnlyDictionary<string, double> Metrics)> rows)
    {
        string csv = Path.Combine(settings.Output, "data-efficiency.csv");
        ExperimentCsv.Write(csv, ["variant", "fraction", "seed", "trainingNotes", .. Metrics],
            rows.Select(r => (IReadOnlyList<object?>)[r.Variant.Name, r.Fraction, r.Seed, r.Notes, .. Metrics.Select(m => (object)ExperimentRuns.Metric(r.Metrics, m))]));
        // One colour per variant; P@5 solid, P@15 dashed.
        var series = new List<ChartSeries>();
        foreach (var (variant, color) in settings.Variants.Select((v, i) => (v, i)))
        {
            foreach (string metric in new[] { "P@5", "P@15" })
            {
                var stats = fractions.Select(f => ExperimentCsv.MeanSd(rows.Where(r => r.Variant == variant && r.Fraction == f).Select(r => ExperimentRuns.Metric(r.Metrics, metric)))).ToArray();
                series.Add(new ChartSeries($"{variant.Name} {metric}", [.. fractions.Select(f => f * 100)], [.. stats.Select(s => s.Mean)], [.. stats.Select(s => s.Sd)],
                    color, Dashed: metric == "P@15"));
            }
        }

        string png = Path.Combine(settings.Output, "data-efficiency.png");
        ExperimentCharts.Lines(png, string.Create(CultureInfo.InvariantCulture, $"Data efficiency: mean ± sd over {settings.Seeds.Length} seed(s)"),
            "training notes used (%)", "precision", series);
        Console.WriteLine($"wrote {csv} and {png}");
    }
}
