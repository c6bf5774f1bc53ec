using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using PlantFunctions.Model.Artifacts;
using PlantFunctions.Model.Labels;
using PlantFunctions.Model.Notes;
using PlantFunctions.Model.Priors;
using PlantFunctions.Model.Ranking;
using PlantFunctions.Model.Text;
using static TorchSharp.torch;

namespace PlantFunctions.Cli.Commands;

/// <summary>
/// <c>plant priors</c>: mutual-information priors and the learning-to-rank model from a coded corpus, with progress,
/// held-out nDCG and timing, saved as one versioned file.
/// </summary>
internal static class PriorsCommand
{
    internal static Command Create()
    {
        var codiesp = new Option<string?>("--codiesp") { Description = "CodiEsp root (uses its 'train' split); default: the bundled sample" };
        var labels = new Option<CodiEspLabels>("--labels") { Description = "CodiEsp label set", DefaultValueFactory = _ => CodiEspLabels.Diagnoses };
        var notes = new Option<string?>("--notes") { Description = "Coded notes (.jsonl, .csv, folder) instead of CodiEsp" };
        var measure = new Option<RelevanceMeasure>("--measure") { Description = "Gain (I(T;L), nats) or Normalized (I / (H_T + H_L - I))", DefaultValueFactory = _ => RelevanceMeasure.Gain };
        var top = new Option<int>("--top") { Description = "Tokens kept per code", DefaultValueFactory = _ => 64 };
        var minCount = new Option<int>("--min-count") { Description = "Vocabulary minimum count", DefaultValueFactory = _ => 1 };
        var ranker = new Option<RankerKind>("--ranker") { Description = "Dot or FeedForward", DefaultValueFactory = _ => RankerKind.Dot };
        var epochs = new Option<int>("--ranker-epochs") { Description = "LambdaRank epochs (0: priors only)", DefaultValueFactory = _ => 10 };
        var dimension = new Option<int>("--dimension") { Description = "Embedding size of the ranker", DefaultValueFactory = _ => 64 };
        var descriptions = new Option<string[]>("--descriptions") { Description = "ICD description tables; default: the bundled ICD-10-CM categories", AllowMultipleArgumentsPerToken = true };
        var output = new Option<string>("--out") { Description = "File to write", DefaultValueFactory = _ => "priors.zip" };
        var command = new Command("priors", "Compute mutual-information priors and train the learning-to-rank model; print nDCG and timing")
        {
            codiesp, labels, notes, measure, top, minCount, ranker, epochs, dimension, descriptions, output,
        };
        command.SetAction(parse =>
        {
            var clock = Stopwatch.StartNew();
            var corpus = CorpusArguments.Load(parse.GetValue(codiesp), parse.GetValue(notes), parse.GetValue(labels), "train").Where(n => n.Codes is { Count: > 0 }).ToList();
            var tables = IcdDescriptions.Load(parse.GetValue(descriptions) is { Length: > 0 } files ? files : SampleData.Icd10CmTables);
            var vocabulary = Vocabulary.Build(corpus.Select(n => n.Text), new VocabularyOptions { MinCount = parse.GetValue(minCount), MaxSize = int.MaxValue });
            var labelSet = LabelSet.FromCodes(corpus.Select(n => n.Codes!), code => tables.Describe(code));
            var presence = PresenceCorpus.Build(corpus, vocabulary, labelSet);
            double read = clock.Elapsed.TotalSeconds;
            var priors = PriorComputation.Compute(presence, vocabulary, labelSet, new PriorOptions { Measure = parse.GetValue(measure), TopTokens = parse.GetValue(top) });
            double mi = clock.Elapsed.TotalSeconds - read;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{corpus.Count:N0} notes, {presence.TokenPresences:N0} (note, token) pairs, vocabulary {vocabulary.Count:N0}, {labelSet.Count:N0} codes: read and tokenized in {read:F1} s, MI ({parse.GetValue(measure)}) in {mi:F2} s, {priors.Pairs:N0} (code, token) pairs kept"));

            var options = new RankerOptions { Kind = parse.GetValue(ranker), Epochs = parse.GetValue(epochs), Dimension = parse.GetValue(dimension) };
            manual_seed(options.Seed);
            var scorer = PriorsArtifact.CreateRanker(options, vocabulary.Count, labelSet.Count);
            scorer.InitialiseCodesFromDescriptions([.. labelSet.Descriptions.Select(d => vocabulary.Encode(d).Where(id => id >= Vocabulary.Reserved.Count).ToArray())]);
            var codeNotes = Enumerable.Range(0, labelSet.Count).Select(c => presence.DocumentsOf(c).Length).ToArray();
            var report = new RankerTrainer(options).Train(scorer, priors, presence.TokenDocumentFrequency, codeNotes,
                new SyncProgress(e => Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  ranker epoch {e.Epoch}/{e.Epochs}: 1 - nDCG@{options.K} on training lists {e.Loss:F4}"))));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"ranker ({options.Kind}): held-out nDCG@{report.K} {report.HeldOutBefore:F3} untrained -> {report.HeldOutAfter:F3} trained " +
                $"(rare codes, <= {options.RareCodeMaxNotes} notes: {report.RareHeldOutBefore:F3} -> {report.RareHeldOutAfter:F3}; {report.EvaluatedCodes:N0} codes, {report.RareCodes:N0} rare); " +
                $"training lists {report.TrainAfter:F3}; {report.Seconds:F1} s"));
            using var artifact = new PriorsArtifact(vocabulary, labelSet, priors, scorer, options, report);
            File.WriteAllBytes(parse.GetValue(output)!, artifact.ToBytes());
            Console.WriteLine($"wrote {parse.GetValue(output)} in {clock.Elapsed.TotalSeconds:F1} s");
            return 0;
        });
        return command;
    }

    private sealed class SyncProgress(Action<(int Epoch, int Epochs, double Loss)> report) : IProgress<(int Epoch, int Epochs, double Loss)>
    {
        public void Report((int Epoch, int Epochs, double Loss) value) => report(value);
    }
}
