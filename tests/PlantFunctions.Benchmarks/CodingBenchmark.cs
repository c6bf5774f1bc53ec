using System.Diagnostics;
using PlantFunctions.Model.Artifacts;
using PlantFunctions.Model.Coding;
using PlantFunctions.Model.Labels;
using PlantFunctions.Model.Networks;
using PlantFunctions.Model.Notes;
using PlantFunctions.Model.Priors;
using PlantFunctions.Model.Synthetic;
using PlantFunctions.Model.Text;
using PlantFunctions.Model.Training;
using static TorchSharp.torch;

namespace PlantFunctions.Benchmarks;

/// <summary>
/// Coding speed and memory of a PLANT model of a given size: an untrained network (speed and memory do not depend on
/// the weights' values) with MI priors from a generated corpus, coding generated notes of a given length through the
/// real coder (batching, evidence). Run one configuration per process: the peak resident memory is per process.
/// Options: --preset cpu|paper|tiny, --codes N, --tokens N (words per note), --notes N, --vocabulary N, --evidence N.
/// </summary>
internal static class CodingBenchmark
{
    public static int Run(string[] args)
    {
        string preset = args.SkipWhile(a => a != "--preset").Skip(1).FirstOrDefault() ?? "cpu";
        int codes = PriorsBenchmark.Arg(args, "--codes", 1000);
        int tokens = PriorsBenchmark.Arg(args, "--tokens", 1500);
        int notes = PriorsBenchmark.Arg(args, "--notes", 32);
        int vocabularySize = PriorsBenchmark.Arg(args, "--vocabulary", 20_000);
        int evidence = PriorsBenchmark.Arg(args, "--evidence", 5);
        set_num_threads(Environment.ProcessorCount);

        var corpus = new SyntheticCorpus(new SyntheticCorpusOptions
        {
            Documents = Math.Max(2_000, codes * 2), Codes = codes, VocabularySize = vocabularySize, MedianWords = 300, MedianCodesPerDocument = 8,
        });
        var training = corpus.Notes().ToList();
        var vocabulary = Vocabulary.Build(training.Select(n => n.Text), new VocabularyOptions { MinCount = 1, MaxSize = vocabularySize + 3 });
        var labels = LabelSet.FromCodes(training.Select(n => n.Codes!));
        var priors = PriorComputation.Compute(PresenceCorpus.Build(training, vocabulary, labels), vocabulary, labels, new PriorOptions());
        training.Clear();
        var network = NetworkConfig.FromPreset(preset);
        var options = new TrainingOptions { Preset = preset };
        manual_seed(1);
        var model = ModelArtifact.CreateModel(network, vocabulary.Count, labels.Count, options);
        var manifest = new ModelManifest(ModelManifest.CurrentSchema, "plant", "benchmark", "1", DateTimeOffset.UnixEpoch, network, options,
            vocabulary.Hash, labels.Hash, 0.5f, new Dictionary<string, double>(), new int[labels.Count]);
        byte[] file = ModelArtifact.Write(manifest, vocabulary, labels, priors, model);
        model.Dispose();
        GC.Collect();

        var batch = Enumerable.Range(0, notes).Select(i => LongNote(corpus, i, tokens)).ToList();
        double baseline = Machine.ResidentMegabytes();
        using var coder = new PlantCoderLoader("cpu").Load(new MemoryStream(file));
        double loaded = Machine.ResidentMegabytes();
        coder.Code(batch.Take(1).ToList(), CodingOptions.Default with { EvidenceTokens = evidence });   // warm-up
        var clock = Stopwatch.StartNew();
        var coded = coder.Code(batch, CodingOptions.Default with { EvidenceTokens = evidence, MinCodes = 5 });
        double seconds = clock.Elapsed.TotalSeconds;
        int words = batch.Sum(n => Tokenizer.Tokenize(n.Text).Count);
        Console.WriteLine($"preset {preset} ({network.EmbeddingSize}/{network.HiddenSize}/{network.Layers} layers), {labels.Count:N0} codes, vocabulary {vocabulary.Count:N0}, " +
                          $"{notes} notes of {words / notes:N0} tokens, {Environment.ProcessorCount} threads");
        Console.WriteLine($"coding: {seconds:F2} s, {notes / seconds:F2} notes/s, {words / seconds:N0} tokens/s, {coded.Sum(c => c.Codes.Count)} codes returned");
        Console.WriteLine($"memory: {baseline:N0} MB before loading, {loaded:N0} MB with the model loaded, peak resident {Machine.PeakResidentMegabytes():N0} MB");
        return 0;
    }

    /// <summary>A generated note with at least <paramref name="tokens"/> words (notes of the corpus joined).</summary>
    private static ClinicalNote LongNote(SyntheticCorpus corpus, int index, int tokens)
    {
        var text = new System.Text.StringBuilder();
        int words = 0;
        for (int i = 0; words < tokens; i++)
        {
            var part = corpus.Note(((index * 7919) + i) % corpus.Options.Documents).Text;
            var spans = Tokenizer.Tokenize(part);
            int take = Math.Min(spans.Count, tokens - words);
            text.Append(part, 0, take == spans.Count ? part.Length : spans[take - 1].End).Append(". ");
            words += take;
        }

        return new ClinicalNote($"bench-{index}", text.ToString());
    }
}
