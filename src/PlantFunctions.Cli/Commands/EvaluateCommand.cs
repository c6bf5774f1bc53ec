using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using PlantFunctions.Model.Artifacts;
using PlantFunctions.Model.Evaluation;
using PlantFunctions.Model.Labels;
using PlantFunctions.Model.Networks;
using PlantFunctions.Model.Notes;
using PlantFunctions.Model.Priors;
using PlantFunctions.Model.Runtime;
using PlantFunctions.Model.Text;
using Spectre.Console;
using TorchSharp;

namespace PlantFunctions.Cli.Commands;

/// <summary>
/// <c>plant evaluate</c>: scores coded notes with one or more models and/or the prior-only baseline and prints the
/// field's metrics side by side (and as JSON).
/// </summary>
internal static class EvaluateCommand
{
    private static readonly string[] Rows =
    [
        "MAP", "P@5", "P@8", "P@15", "R@8", "R@15", "MAP(Edin)", "P@5(Edin)", "P@8(Edin)", "P@15(Edin)", "microAUC", "macroAUC", "microF1", "macroF1", "microF1@best",
        "macroF1[unseen]", "macroF1[1-5]", "macroF1[6-50]", "macroF1[>50]", "microF1(per-code thr)", "macroF1(per-code thr)", "threshold",
        "R@15(unseen)", "unseenGold", "outsideTable@15", "labelSpaceCodes", "shortlist", "exactTop15Kept",
    ];

    private static readonly IReadOnlyList<FrequencyBucket> Buckets = [new("unseen", 0, 0), .. FrequencyBucket.Default];

    /// <summary>The share of each note's top <paramref name="k"/> codes by <paramref name="exact"/> logits that are also in its top k by <paramref name="shortlisted"/> ones, over all notes.</summary>
    internal static double TopKept(float[][] exact, float[][] shortlisted, int k)
    {
        static HashSet<int> Top(float[] logits, int k) => [.. Enumerable.Range(0, logits.Length).OrderByDescending(c => logits[c]).ThenBy(c => c).Take(k)];
        int kept = 0, total = 0;
        for (int i = 0; i < exact.Length; i++)
        {
            var top = Top(exact[i], k);
            kept += top.Intersect(Top(shortlisted[i], k)).Count();
            total += top.Count;
        }

        return total == 0 ? 1 : kept / (double)total;
    }

    internal static Command Create()
    {
        var models = new Option<string[]>("--model") { Description = "Model file(s) to evaluate", AllowMultipleArgumentsPerToken = true };
        var baseline = new Option<bool>("--baseline-prior") { Description = "Also evaluate the prior-only scorer (per code, the sum of its top MI values among the note's tokens) with the priors stored in the first --model, or learned from --baseline-train" };
        var baselineTrain = new Option<string?>("--baseline-train") { Description = "Coded notes the prior-only baseline learns its MI from (instead of a model's stored priors); with --codiesp and no model: that root's --train-split" };
        var codiesp = new Option<string?>("--codiesp") { Description = "CodiEsp root (default: the bundled sample)" };
        var split = new Option<string>("--split") { Description = "Split to evaluate", DefaultValueFactory = _ => "dev" };
        var trainSplit = new Option<string>("--train-split") { Description = "Split the prior-only baseline learns MI from", DefaultValueFactory = _ => "train" };
        var labels = new Option<CodiEspLabels>("--labels") { Description = "CodiEsp label set", DefaultValueFactory = _ => CodiEspLabels.Diagnoses };
        var notes = new Option<string?>("--notes") { Description = "Coded notes to evaluate instead of a CodiEsp split" };
        var json = new Option<string?>("--json") { Description = "Write all metrics to this JSON file" };
        var device = new Option<string>("--device") { Description = "cpu, cuda or auto", DefaultValueFactory = _ => "auto" };
        var validCodes = new Option<string[]>("--valid-codes")
        {
            Description = "Description tables whose codes are the valid ones (CodiEsp's convention): predictions outside them are flagged as outsideTable@15; default: the bundled ICD-10-CM tables (ICD-9-CM for --mimic3)",
            AllowMultipleArgumentsPerToken = true,
        };
        var average = new Option<bool>("--average") { Description = "Also evaluate the average of the models' logits (per code over the models that hold it), e.g. the models of cross-validation's folds, at the mean of their thresholds" };
        var codeRows = new Option<int>("--codes") { Description = "Also list this many of the evaluated notes' most frequent gold codes with their descriptions and each model's F1", DefaultValueFactory = _ => 10 };
        var shortlists = new Option<int[]>("--shortlist")
        {
            Description = "Also evaluate each model with a shortlist of this many codes per note in front of the exact decoder (several: one row each), with the share of the exact top 15 codes it keeps",
            AllowMultipleArgumentsPerToken = true,
        };
        var command = new Command("evaluate", "Evaluate models and the prior-only baseline on coded notes (MAP, P@k, R@k, AUC, F1, frequency buckets)")
        {
            models, baseline, baselineTrain, codiesp, split, trainSplit, labels, notes, json, device, validCodes, codeRows, average, shortlists,
        };
        command.Validators.Add(result =>
        {
            if ((result.GetValue(shortlists) ?? []).Where(n => n < 1).ToArray() is { Length: > 0 } bad)
            {
                result.AddError($"--shortlist takes code counts of at least 1; got {bad[0]}");
            }
        });
        var mimic = MimicArguments.AddTo(command);
        command.SetAction(parse =>
        {
            var gold = mimic.Evaluation(parse, split) ?? CorpusArguments.Load(parse.GetValue(codiesp), parse.GetValue(notes), parse.GetValue(labels), parse.GetValue(split)!);
            var valid = parse.GetValue(validCodes) is { Length: > 0 } validTables ? IcdDescriptions.Load(validTables)
                : mimic.IsIcd9(parse) ? IcdDescriptions.Load(SampleData.Icd9CmTable)
                : parse.GetValue(labels) == CodiEspLabels.Diagnoses ? IcdDescriptions.Load(SampleData.Icd10CmTables) : null;
            var perCodeRows = new List<(string Name, LabelSet Labels, ConfusionCounts Counts)>();
            var ensemble = new List<(LabelSet Labels, float[][] Logits, float Threshold, IReadOnlyList<int> Frequencies)>();
            var results = new List<(string Name, Dictionary<string, double> Metrics)>();
            (float[][] Scores, LabelSet Labels, int[] Frequencies, string Source)? prior = null;
            var torchDevice = (parse.GetValue(models) ?? []).Length > 0 ? TorchDevices.Resolve(parse.GetValue(device), ConsoleNotices.Instance) : null;
            foreach (string path in parse.GetValue(models) ?? [])
            {
                using var stream = File.OpenRead(path);
                using var artifact = ModelArtifact.Read(stream);
                artifact.Model.to(torchDevice!);
                var training = artifact.Manifest.Training;
                var encoded = gold.Select(n => EncodedNote.From(n, artifact.Vocabulary, artifact.Labels, training.NoteStartToken, training.AssertionTerm)).ToList();
                var predictions = Predictor.Predict(artifact.Model, encoded, artifact.StaticAttention, 8, 0, training.Stateful, torchDevice!,
                    attentionWindow: training.AttentionWindow);
                if (parse.GetValue(baseline) && prior is null && parse.GetValue(baselineTrain) is null)
                {
                    var scorer = new PriorScorer(artifact.Priors, artifact.Vocabulary, artifact.Manifest.Network.StaticTopTokens);
                    prior = ([.. gold.Select(n => scorer.Score(n.Text))], artifact.Labels, [.. artifact.Manifest.LabelFrequencies], $"the priors stored in {path}");
                }

                string name = $"{Path.GetFileNameWithoutExtension(path)}";
                var logits = predictions.Select(p => p.Logits).ToArray();
                results.Add((name, Evaluate(logits, gold, artifact.Labels, artifact.Manifest.LogitThresholds(), artifact.Manifest.LabelFrequencies)));
                results[^1].Metrics["labelSpaceCodes"] = artifact.Labels.Count;
                if (valid is not null)
                {
                    results[^1].Metrics["outsideTable@15"] = OutsideTable(logits, artifact.Labels, valid);
                }

                var counts = ConfusionCounts.Count(EvaluationSet.FromCodes(logits, [.. gold.Select(n => (IEnumerable<string>)(n.Codes ?? []))], artifact.Labels),
                    artifact.Manifest.LogitThresholds());
                perCodeRows.Add((name, artifact.Labels, counts));
                if (parse.GetValue(average))
                {
                    ensemble.Add((artifact.Labels, logits, artifact.Manifest.LogitThresholds().Global, artifact.Manifest.LabelFrequencies));
                }
                if (artifact.Manifest.PerCodeLogitThresholds is not null)
                {
                    var perCode = Evaluate(logits, gold, artifact.Labels, artifact.Manifest.LogitThresholds(perCode: true), artifact.Manifest.LabelFrequencies);
                    results[^1].Metrics["microF1(per-code thr)"] = perCode["microF1"];
                    results[^1].Metrics["macroF1(per-code thr)"] = perCode["macroF1"];
                }

                foreach (int shortlist in parse.GetValue(shortlists) ?? [])
                {
                    var cut = Predictor.Predict(artifact.Model, encoded, artifact.StaticAttention, 8, 0, training.Stateful, torchDevice!,
                        attentionWindow: training.AttentionWindow, shortlist: shortlist).Select(p => p.Logits).ToArray();
                    results.Add(($"{name} shortlist {shortlist}", Evaluate(cut, gold, artifact.Labels, artifact.Manifest.LogitThresholds(), artifact.Manifest.LabelFrequencies)));
                    results[^1].Metrics["labelSpaceCodes"] = artifact.Labels.Count;
                    results[^1].Metrics["shortlist"] = Math.Min(shortlist, artifact.Labels.Count);
                    results[^1].Metrics["exactTop15Kept"] = TopKept(logits, cut, 15);
                }
            }

            if (ensemble.Count > 1)
            {
                var (labelSet, averaged, threshold, frequencies) = Average(ensemble);
                results.Add(($"average of {ensemble.Count}", Evaluate(averaged, gold, labelSet, ThresholdSelection.Fixed(threshold), frequencies)));
                results[^1].Metrics["labelSpaceCodes"] = labelSet.Count;
            }

            if (parse.GetValue(baseline))
            {
                if (prior is null)
                {
                    string? trainPath = parse.GetValue(baselineTrain);
                    if (trainPath is null && parse.GetValue(codiesp) is null)
                    {
                        return Refuse("--baseline-prior needs priors: give a --model (its stored priors are used), --baseline-train <coded notes>, or --codiesp <root> (its training split)");
                    }

                    var train = CorpusArguments.Load(parse.GetValue(codiesp), trainPath, parse.GetValue(labels), parse.GetValue(trainSplit)!);
                    var (scores, labelSet, frequencies) = PriorOnly(train, gold);
                    prior = (scores, labelSet, frequencies, trainPath ?? $"{parse.GetValue(codiesp)} split {parse.GetValue(trainSplit)}");
                }

                if (LabelsMismatch(prior.Value.Labels, gold, prior.Value.Source) is { } mismatch)
                {
                    return Refuse(mismatch);
                }

                results.Add(("prior-only", Evaluate(prior.Value.Scores, gold, prior.Value.Labels, null, prior.Value.Frequencies)));
                Console.WriteLine($"prior-only baseline: MI from {prior.Value.Source}");
            }

            Print(results, gold.Count);
            PrintCodes(perCodeRows, gold, parse.GetValue(codeRows));
            if (parse.GetValue(json) is { } jsonPath)
            {
                File.WriteAllText(jsonPath, JsonSerializer.Serialize(results.ToDictionary(r => r.Name, r => r.Metrics), new JsonSerializerOptions { WriteIndented = true }));
            }

            return 0;
        });
        return command;
    }

    /// <summary>Metrics at the given threshold (or, with none, at the evaluated set's own best threshold), plus micro-F1 at the best threshold.</summary>
    private static Dictionary<string, double> Evaluate(float[][] scores, IReadOnlyList<ClinicalNote> gold, LabelSet labels, ThresholdSelection? threshold, IReadOnlyList<int> frequencies)
    {
        var set = EvaluationSet.FromCodes(scores, [.. gold.Select(n => (IEnumerable<string>)(n.Codes ?? []))], labels);
        var best = ThresholdTuner.TuneGlobal(set);
        var report = IcdEvaluator.Evaluate(set, threshold ?? best, new EvaluationOptions { TrainingFrequencies = [.. frequencies], Buckets = Buckets });
        var metrics = report.ToDictionary();
        metrics["microF1@best"] = best.TunedMicroF1 ?? double.NaN;
        var (unseen, found) = UnseenRecall(scores, gold, labels, frequencies);
        metrics["unseenGold"] = unseen;
        if (unseen > 0)
        {
            metrics["R@15(unseen)"] = found / (double)unseen;
        }

        return metrics;
    }

    /// <summary>
    /// Gold codes the system's training notes never carried (outside its label set, or added to it by a label space
    /// with frequency 0), and how many of them are in their note's top 15.
    /// </summary>
    private static (int Unseen, int Found) UnseenRecall(float[][] scores, IReadOnlyList<ClinicalNote> gold, LabelSet labels, IReadOnlyList<int> frequencies)
    {
        int unseen = 0, found = 0;
        for (int note = 0; note < gold.Count; note++)
        {
            var row = scores[note];
            HashSet<int>? top = null;
            foreach (string code in (gold[note].Codes ?? []).Distinct(StringComparer.Ordinal))
            {
                int index = labels.IndexOf(code);
                if (index >= 0 && frequencies[index] > 0)
                {
                    continue;
                }

                unseen++;
                top ??= [.. Enumerable.Range(0, row.Length).OrderByDescending(c => row[c]).ThenBy(c => c).Take(15)];
                found += index >= 0 && top.Contains(index) ? 1 : 0;
            }
        }

        return (unseen, found);
    }

    /// <summary>
    /// The average of several models' logits over the union of their codes (first model's order, then new codes), each
    /// code averaged over the models that hold it; the threshold is the mean of theirs; a code's frequency is its largest.
    /// </summary>
    private static (LabelSet Labels, float[][] Logits, float Threshold, int[] Frequencies) Average(List<(LabelSet Labels, float[][] Logits, float Threshold, IReadOnlyList<int> Frequencies)> models)
    {
        var codes = models.SelectMany(m => m.Labels.Codes).Distinct(StringComparer.Ordinal).ToList();
        var labels = new LabelSet(codes, [.. codes.Select(c => models.Select(m => m.Labels.IndexOf(c) is var i and >= 0 ? m.Labels.Descriptions[i] : "").FirstOrDefault(d => d.Length > 0) ?? "")]);
        int notes = models[0].Logits.Length;
        var sums = new float[notes][];
        var counts = new int[codes.Count];
        var frequencies = new int[codes.Count];
        for (int note = 0; note < notes; note++)
        {
            sums[note] = new float[codes.Count];
        }

        foreach (var (modelLabels, logits, _, modelFrequencies) in models)
        {
            var column = modelLabels.Codes.Select(labels.IndexOf).ToArray();
            for (int c = 0; c < column.Length; c++)
            {
                counts[column[c]]++;
                frequencies[column[c]] = Math.Max(frequencies[column[c]], modelFrequencies[c]);
                for (int note = 0; note < notes; note++)
                {
                    sums[note][column[c]] += logits[note][c];
                }
            }
        }

        foreach (var row in sums)
        {
            for (int c = 0; c < row.Length; c++)
            {
                row[c] /= counts[c];
            }
        }

        return (labels, sums, models.Average(m => m.Threshold), frequencies);
    }

    /// <summary>
    /// The share of the codes a model puts in each note's top 15 that the valid-code table does not hold (CodiEsp's
    /// evaluation ignores such predictions): 0 for a model whose every code is a table code.
    /// </summary>
    private static double OutsideTable(float[][] logits, LabelSet labels, IcdDescriptions valid)
    {
        var outside = Enumerable.Range(0, labels.Count).Select(c => !valid.Contains(labels.Codes[c])).ToArray();
        long flagged = 0, total = 0;
        foreach (var row in logits)
        {
            foreach (int code in Enumerable.Range(0, row.Length).OrderByDescending(c => row[c]).Take(15))
            {
                flagged += outside[code] ? 1 : 0;
                total++;
            }
        }

        return total == 0 ? 0 : flagged / (double)total;
    }

    /// <summary>The evaluated notes' most frequent gold codes with their own descriptions (from the first model's label set) and each model's F1 at its threshold.</summary>
    private static void PrintCodes(List<(string Name, LabelSet Labels, ConfusionCounts Counts)> models, IReadOnlyList<ClinicalNote> gold, int count)
    {
        if (models.Count == 0 || count <= 0)
        {
            return;
        }

        var frequent = gold.SelectMany(n => (n.Codes ?? []).Distinct(StringComparer.Ordinal)).CountBy(c => c)
            .OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Take(count).ToList();
        var table = new Table().AddColumns("code", "description", "notes");
        foreach (var (name, _, _) in models)
        {
            table.AddColumn(new TableColumn($"F1 {name}").RightAligned());
        }

        foreach (var (code, notes) in frequent)
        {
            int first = models[0].Labels.IndexOf(code);
            string description = first >= 0 ? models[0].Labels.DescriptionOf(first) ?? "(no description)" : "(not in the label set)";
            table.AddRow([Markup.Escape(code), Markup.Escape(description), notes.ToString(CultureInfo.InvariantCulture),
                .. models.Select(m => m.Labels.IndexOf(code) is var i and >= 0 ? m.Counts.LabelF1(i).ToString("F2", CultureInfo.InvariantCulture) : "n/a")]);
        }

        AnsiConsole.Write(table);
    }

    /// <summary>Why a baseline whose label set holds none of the evaluated notes' gold codes is refused (it would score 0 silently); <c>null</c> if it fits.</summary>
    private static string? LabelsMismatch(LabelSet labels, IReadOnlyList<ClinicalNote> gold, string source)
    {
        var codes = gold.SelectMany(n => n.Codes ?? []).Distinct(StringComparer.Ordinal).ToList();
        return codes.Count > 0 && !codes.Any(c => labels.IndexOf(c) >= 0)
            ? $"--baseline-prior: none of the {codes.Count} gold codes of the evaluated notes is among the {labels.Count} codes of the baseline's priors ({source}); give the priors of the corpus these notes come from"
            : null;
    }

    private static int Refuse(string message)
    {
        Console.Error.WriteLine($"plant evaluate: {message}");
        return 2;
    }

    /// <summary>PLANT's static prior alone: per code, the sum of the MI gains of its top-5 tokens present in the note.</summary>
    internal static (float[][] Scores, LabelSet Labels, int[] Frequencies) PriorOnly(IReadOnlyList<ClinicalNote> train, IReadOnlyList<ClinicalNote> notes)
    {
        var vocabulary = Vocabulary.Build(train.Select(n => n.Text), new VocabularyOptions { MinCount = 1, MaxSize = int.MaxValue });
        var labels = LabelSet.FromCodes(train.Select(n => n.Codes ?? []));
        var presence = PresenceCorpus.Build(train, vocabulary, labels);
        var priors = PriorComputation.Compute(presence, vocabulary, labels, new PriorOptions { Measure = RelevanceMeasure.Gain, StaticTopTokens = 5 });
        var scorer = new PriorScorer(priors, vocabulary, tokensPerCode: 5);
        var frequencies = Enumerable.Range(0, labels.Count).Select(c => presence.DocumentsOf(c).Length).ToArray();
        return ([.. notes.Select(n => scorer.Score(n.Text))], labels, frequencies);
    }

    private static void Print(List<(string Name, Dictionary<string, double> Metrics)> results, int notes)
    {
        var table = new Table().AddColumn($"metric ({notes} notes)");
        foreach (var (name, _) in results)
        {
            table.AddColumn(new TableColumn(name).RightAligned());
        }

        foreach (string row in Rows)
        {
            table.AddRow([Markup.Escape(row), .. results.Select(r => r.Metrics.TryGetValue(row, out double v) ? v.ToString("F3", CultureInfo.InvariantCulture) : "n/a")]);
        }

        AnsiConsole.Write(table);
        Console.WriteLine("MAP, P@k and R@k count gold codes outside a system's label set as misses and P@k averages over all notes (CodiEsp); the (Edin) rows drop those codes and the notes left without gold (Edin et al. 2023).");
        Console.WriteLine("F1 rows use each model's stored validation threshold; the prior-only baseline has none, so its F1 rows use its best threshold on this split (oracle). microF1@best is every system at its own best threshold.");
    }
}
