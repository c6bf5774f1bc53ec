using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using PlantFunctions.Model.Evaluation;
using PlantFunctions.Model.Labels;
using PlantFunctions.Model.LabelSpaces;
using PlantFunctions.Model.Notes;
using PlantFunctions.Model.Priors;

namespace PlantFunctions.Cli.Commands.Experiments;

/// <summary>
/// <c>plant experiment cv</c>: k-fold cross-validation on the training notes, the rule that picks defaults. Every variant
/// trains on each fold's other notes (a <c>plant train</c> child process, its 10% validation split and refit as the
/// settings say) and is scored on the held-out fold, in each label space and at each unseen-code offset asked for (a
/// label space grows the trained fold model after training, so they share one training). Writes cv.csv (one row per
/// fold) and cv-summary.csv (mean ± sd over folds and seeds); the evaluation split is never read.
/// </summary>
internal static class CvCommand
{
    internal static Command Create()
    {
        var command = new Command("cv", "Cross-validate variants on the training notes (k folds): MAP, P@k, macro-F1, rare and unseen codes, per label space; CSV");
        var options = ExperimentOptions.AddTo(command, "plant");
        var folds = new Option<int>("--folds") { Description = "Number of folds", DefaultValueFactory = _ => 5 };
        var labelSpaces = new Option<string>("--label-spaces") { Description = "Comma-separated label spaces to score each fold model in (train, categories, categories-no-7th, or a code file)", DefaultValueFactory = _ => "train" };
        var offsets = new Option<string?>("--unseen-offsets") { Description = "Comma-separated unseen-code offsets to score label spaces beyond train at (default: plant train's)" };
        var only = new Option<string?>("--only-folds") { Description = "Comma-separated fold numbers (from 0) to run, e.g. to spread the folds over machines or measure a variant on some folds first; the summary says how many folds each row has" };
        var borrowGrid = new Option<string?>("--borrow-grid") { Description = "Prior-only variants (prior, prior-borrow): semicolon-separated family-weight/description-weight/half-count triples to score, e.g. 0.3/1/2;1/1/2 (default: plant train's)" };
        var descriptions = new Option<string[]>("--descriptions") { Description = "ICD description tables (default: the bundled ICD-10-CM ones)", AllowMultipleArgumentsPerToken = true };
        command.Options.Add(folds);
        command.Options.Add(labelSpaces);
        command.Options.Add(offsets);
        command.Options.Add(descriptions);
        command.Options.Add(borrowGrid);
        command.Options.Add(only);
        command.SetAction((parse, cancellationToken) => ExperimentCommand.Guard("cv", async () =>
        {
            var settings = options.Read(parse);
            if (settings.ValidationNotes is not null)
            {
                throw new ArgumentException("cv splits the training notes itself: leave out --validation-notes");
            }

            string[] tables = parse.GetValue(descriptions) is { Length: > 0 } given ? given : SampleData.Icd10CmTables;
            var table = IcdDescriptions.Load(tables);
            var spaces = List(parse.GetValue(labelSpaces)!);
            double[] unseenOffsets = [.. (parse.GetValue(offsets) is { } o ? List(o) : [Model.Training.TrainingOptions.DefaultUnseenCodeOffset.ToString(CultureInfo.InvariantCulture)])
                .Select(v => double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) ? d : throw new ArgumentException($"--unseen-offsets: '{v}' is not a number"))];
            var grid = ParseGrid(parse.GetValue(borrowGrid));
            var onlyFolds = parse.GetValue(only) is { } foldList
                ? List(foldList).Select(f => int.TryParse(f, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n >= 0 ? n : throw new ArgumentException($"--only-folds: '{f}' is not a fold number")).ToHashSet()
                : null;
            var notes = CorpusArguments.Load(settings.CodiEsp, settings.Notes, settings.Labels, "train").Where(n => n.Codes is { Count: > 0 }).ToList();
            var evaluator = new CvEvaluator(table, settings.TrainArguments[Array.IndexOf(settings.TrainArguments, "--device") + 1]);
            var rows = new List<CvRow>();
            var heldOutScores = new Dictionary<string, List<CvThresholds.FoldScores>>();
            foreach (int seed in settings.Seeds)
            {
                var split = CrossValidationFolds.Split(notes, parse.GetValue(folds), seed);
                for (int fold = 0; fold < split.Count; fold++)
                {
                    if (onlyFolds is not null && !onlyFolds.Contains(fold))
                    {
                        continue;
                    }

                    string folder = Path.Combine(settings.Output, "folds", string.Create(CultureInfo.InvariantCulture, $"seed{seed}-fold{fold}"));
                    string trainFile = WriteNotes(Path.Combine(folder, "train.jsonl"), split[fold].Train);
                    foreach (var variant in settings.Variants)
                    {
                        string name = string.Create(CultureInfo.InvariantCulture, $"{variant.Name}-seed{seed}-fold{fold}");
                        string? model = null;
                        if (variant.Trained)
                        {
                            model = Path.Combine(settings.Runs, name + ".plant");
                            await TrainAsync(settings, variant, seed, trainFile, tables, model, cancellationToken).ConfigureAwait(false);
                        }

                        if (model is not null)
                        {
                            string scores = Path.Combine(settings.Runs, name + ".heldout-scores.json");
                            if (!File.Exists(scores))
                            {
                                CvThresholds.Save(scores, evaluator.HeldOutScores(model, seed, fold, split[fold].HeldOut));
                            }

                            (heldOutScores.TryGetValue(variant.Name, out var list) ? list : heldOutScores[variant.Name] = []).Add(CvThresholds.Load(scores));
                        }

                        foreach (string space in spaces)
                        {
                            foreach (var (label, priorOptions) in variant.Trained ? [(variant.Name, (PriorOptions?)null)] : PriorSettings(variant, grid))
                            {
                                string runName = variant.Trained ? name : string.Create(CultureInfo.InvariantCulture, $"{label}-seed{seed}-fold{fold}");
                                var metrics = Cached(Path.Combine(settings.Runs, $"{Slug(runName)}-{Slug(Path.GetFileName(space))}.cv.json"), unseenOffsets,
                                    () => evaluator.Evaluate(model, split[fold].Train, split[fold].HeldOut, space, unseenOffsets, priorOptions));
                                rows.AddRange(metrics.Select(m => new CvRow(label, space, m.Key, seed, fold, m.Value)));
                            }
                        }
                    }
                }
            }

            Write(settings.Output, rows);
            if (heldOutScores.Count > 0)
            {
                string thresholds = Path.Combine(settings.Output, "cv-thresholds.csv");
                ExperimentCsv.Write(thresholds, ["variant", "thresholds", "folds", "microF1", "microF1 sd", "macroF1", "macroF1 sd"],
                    heldOutScores.SelectMany(v => CvThresholds.Rows(v.Key, v.Value)));
                Console.WriteLine($"wrote {thresholds}: global against per-code thresholds tuned on the other folds' held-out scores");
            }
        }));
        return command;
    }

    private static async Task TrainAsync(ExperimentSettings settings, ExperimentVariant variant, int seed, string trainFile, string[] tables, string model,
        CancellationToken cancellationToken)
    {
        if (File.Exists(model))
        {
            return;
        }

        Directory.CreateDirectory(settings.Runs);
        string checkpoint = model + ".ckpt";
        string[] lm = settings.LanguageModelFrom is null || File.Exists(checkpoint) ? [] : ["--lm-from", settings.LanguageModelFrom];
        // With --lm-from the fold run takes that language model (and its vocabulary); without, it trains one as plant train would on CodiEsp.
        string[] unlabelled = settings.CodiEsp is { } root && Directory.Exists(Path.Combine(root, "background", "text_files_en"))
            ? ["--unlabelled", Path.Combine(root, "background", "text_files_en")] : [];
        await PlantProcess.RunAsync(["train", "--notes", trainFile, .. unlabelled, "--descriptions", .. tables, .. settings.TrainArguments,
            "--seed", seed.ToString(CultureInfo.InvariantCulture), .. variant.TrainFlags, .. lm, "--out", model, "--checkpoint", checkpoint], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The metrics stored at <paramref name="path"/> (keyed by unseen-code offset) when they hold every offset
    /// <paramref name="wanted"/> (or are a label space's without added codes, keyed 0), else computed and stored there.
    /// </summary>
    private static Dictionary<double, Dictionary<string, double>> Cached(string path, IReadOnlyList<double> wanted, Func<Dictionary<double, Dictionary<string, double>>> compute)
    {
        if (File.Exists(path))
        {
            var stored = JsonSerializer.Deserialize<Dictionary<double, Dictionary<string, double>>>(File.ReadAllText(path), CvEvaluator.Json)!;
            if (wanted.All(stored.ContainsKey) || stored.Keys.SequenceEqual([0.0]))
            {
                return stored;
            }
        }

        var metrics = compute();
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path + ".tmp", JsonSerializer.Serialize(metrics, CvEvaluator.Json));
        File.Move(path + ".tmp", path, overwrite: true);
        return metrics;
    }

    private static void Write(string output, List<CvRow> rows)
    {
        string[] metrics = CvEvaluator.Metrics;
        string csv = Path.Combine(output, "cv.csv");
        ExperimentCsv.Write(csv, ["variant", "labelSpace", "unseenOffset", "seed", "fold", .. metrics],
            rows.Select(r => (IReadOnlyList<object?>)[r.Variant, r.LabelSpace, r.Offset, r.Seed, r.Fold, .. metrics.Select(m => (object)ExperimentRuns.Metric(r.Metrics, m))]));
        var groups = rows.GroupBy(r => (r.Variant, r.LabelSpace, r.Offset)).ToList();
        string summary = Path.Combine(output, "cv-summary.csv");
        ExperimentCsv.Write(summary, ["variant", "labelSpace", "unseenOffset", "folds", .. metrics.SelectMany(m => new[] { m, m + " sd" })],
            groups.Select(g =>
            {
                var stats = metrics.Select(m => ExperimentCsv.MeanSd(g.Select(r => ExperimentRuns.Metric(r.Metrics, m)))).ToArray();
                return (IReadOnlyList<object?>)[g.Key.Variant, g.Key.LabelSpace, g.Key.Offset, g.Count(), .. stats.SelectMany(x => new object[] { x.Mean, x.Sd })];
            }));
        foreach (var g in groups)
        {
            var map = ExperimentCsv.MeanSd(g.Select(r => ExperimentRuns.Metric(r.Metrics, "MAP")));
            var unseen = ExperimentCsv.MeanSd(g.Select(r => ExperimentRuns.Metric(r.Metrics, "R@15(unseen)")));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{g.Key.Variant,-20} {g.Key.LabelSpace,-18} offset {g.Key.Offset,5:0.##}: MAP {map.Mean:F3} ± {map.Sd:F3}, R@15(unseen) {unseen.Mean:F3} ({g.Count()} folds)"));
        }

        Console.WriteLine($"wrote {csv} and {summary}");
    }

    private static string WriteNotes(string path, IEnumerable<ClinicalNote> notes)
    {
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllLines(path + ".tmp", notes.Select(n => JsonSerializer.Serialize(new { id = n.Id, text = n.Text, codes = n.Codes })));
            File.Move(path + ".tmp", path, overwrite: true);
        }

        return path;
    }

    /// <summary>The prior-only variant's rows: one per grid entry (named with it when the grid has several), borrowing for seen codes as prior-borrow asks.</summary>
    private static IEnumerable<(string Label, PriorOptions? Options)> PriorSettings(ExperimentVariant variant, IReadOnlyList<PriorOptions> grid)
    {
        bool seen = variant.TrainFlags.Contains("--borrow");
        foreach (var entry in grid)
        {
            string label = grid.Count == 1 ? variant.Name
                : string.Create(CultureInfo.InvariantCulture, $"{variant.Name}@{entry.FamilyWeight:0.###}/{entry.DescriptionWeight:0.###}/{entry.BorrowHalfCount:0.###}");
            yield return (label, entry with { BorrowForSeenCodes = seen });
        }
    }

    private static IReadOnlyList<PriorOptions> ParseGrid(string? text)
    {
        if (text is null)
        {
            return [new PriorOptions()];
        }

        return [.. text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(entry =>
        {
            var parts = entry.Split('/').Select(p => double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v >= 0 ? v : double.NaN).ToArray();
            return parts.Length == 3 && parts.All(double.IsFinite) && parts[2] > 0
                ? new PriorOptions { FamilyWeight = parts[0], DescriptionWeight = parts[1], BorrowHalfCount = parts[2] }
                : throw new ArgumentException($"--borrow-grid: '{entry}' is not family-weight/description-weight/half-count (numbers, the last above 0)");
        })];
    }

    private static string[] List(string text) => text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>A file-name part for a run or a label space (a code file's name, not its folders).</summary>
    private static string Slug(string text) => string.Concat(text.Select(c => char.IsLetterOrDigit(c) || c == '-' ? c : '_'));

    private sealed record CvRow(string Variant, string LabelSpace, double Offset, int Seed, int Fold, IReadOnlyDictionary<string, double> Metrics);
}
