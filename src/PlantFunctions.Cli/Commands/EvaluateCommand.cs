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
        "MAP", "P@5", "P@8", "P@15", "R@8", "R@15", "microAUC", "macroAUC", "microF1", "macroF1", "microF1@best",
        "macroF1[1-5]", "macroF1[6-50]", "macroF1[>50]", "threshold",
    ];

    internal static Command Create()
    {
        var models = new Option<string[]>("--model") { Description = "Model file(s) to evaluate", AllowMultipleArgumentsPerToken = true };
        var baseline = new Option<bool>("--baseline-prior") { Description = "Also evaluate the prior-only scorer (sum of the top-5 MI gains of present tokens, MI from the training split)" };
        var codiesp = new Option<string?>("--codiesp") { Description = "CodiEsp root (default: the bundled sample)" };
        var split = new Option<string>("--split") { Description = "Split to evaluate", DefaultValueFactory = _ => "dev" };
        var trainSplit = new Option<string>("--train-split") { Description = "Split the prior-only baseline learns MI from", DefaultValueFactory = _ => "train" };
        var labels = new Option<CodiEspLabels>("--labels") { Description = "CodiEsp label set", DefaultValueFactory = _ => CodiEspLabels.Diagnoses };
        var notes = new Option<string?>("--notes") { Description = "Coded notes to evaluate instead of a CodiEsp split" };
        var json = new Option<string?>("--json") { Description = "Write all metrics to this JSON file" };
        var device = new Option<string>("--device") { Description = "cpu, cuda or auto", DefaultValueFactory = _ => "auto" };
        var command = new Command("evaluate", "Evaluate models and the prior-only baseline on coded notes (MAP, P@k, R@k, AUC, F1, frequency buckets)")
        {
            models, baseline, codiesp, split, trainSplit, labels, notes, json, device,
        };
        command.SetAction(parse =>
        {
            var gold = CorpusArguments.Load(parse.GetValue(codiesp), parse.GetValue(notes), parse.GetValue(labels), parse.GetValue(split)!);
            var results = new List<(string Name, Dictionary<string, double> Metrics)>();
            var torchDevice = (parse.GetValue(models) ?? []).Length > 0 ? TorchDevices.Resolve(parse.GetValue(device), ConsoleNotices.Instance) : null;
            foreach (string path in parse.GetValue(models) ?? [])
            {
                using var stream = File.OpenRead(path);
                using var artifact = ModelArtifact.Read(stream);
                artifact.Model.to(torchDevice!);
                var encoded = gold.Select(n => EncodedNote.From(n, artifact.Vocabulary, artifact.Labels)).ToList();
                var predictions = Predictor.Predict(artifact.Model, encoded, artifact.StaticAttention, 8, 0, artifact.Manifest.Training.Stateful, torchDevice!);
                string name = $"{Path.GetFileNameWithoutExtension(path)}";
                results.Add((name, Evaluate([.. predictions.Select(p => p.Probabilities)], gold, artifact.Labels,
                    ThresholdSelection.Fixed(artifact.Manifest.Threshold), artifact.Manifest.LabelFrequencies)));
            }

            if (parse.GetValue(baseline))
            {
                var train = CorpusArguments.Load(parse.GetValue(codiesp), null, parse.GetValue(labels), parse.GetValue(trainSplit)!);
                var (scores, labelSet, frequencies) = PriorOnly(train, gold);
                results.Add(("prior-only", Evaluate(scores, gold, labelSet, null, frequencies)));
            }

            Print(results, gold.Count);
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
        var report = IcdEvaluator.Evaluate(set, threshold ?? best, new EvaluationOptions { TrainingFrequencies = [.. frequencies] });
        var metrics = report.ToDictionary();
        metrics["microF1@best"] = best.TunedMicroF1 ?? double.NaN;
        return metrics;
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
        Console.WriteLine("F1 rows use each model's stored validation threshold; the prior-only baseline has none, so its F1 rows use its best threshold on this split (oracle). microF1@best is every system at its own best threshold.");
    }
}
