using System.Diagnostics;
using PlantFunctions.Model.Labels;
using PlantFunctions.Model.Priors;
using PlantFunctions.Model.Ranking;
using PlantFunctions.Model.Synthetic;
using PlantFunctions.Model.Text;

namespace PlantFunctions.Benchmarks;

/// <summary>
/// Mutual-information priors at MIMIC-III-full shape: vocabulary pass, presence pass, per-code MI pass; time, peak
/// memory and tokens/s. Options: --documents N (default 52,700), --codes N, --vocabulary N.
/// </summary>
internal static class PriorsBenchmark
{
    public static int Run(string[] args)
    {
        var options = SyntheticCorpusOptions.MimicIIIFull with
        {
            Documents = Arg(args, "--documents", SyntheticCorpusOptions.MimicIIIFull.Documents),
            Codes = Arg(args, "--codes", SyntheticCorpusOptions.MimicIIIFull.Codes),
            VocabularySize = Arg(args, "--vocabulary", SyntheticCorpusOptions.MimicIIIFull.VocabularySize),
        };
        Console.WriteLine($"# corpus: {options.Documents:N0} notes, {options.Codes:N0} codes, {options.VocabularySize:N0} word types, median {options.MedianWords:N0} words");
        var corpus = new SyntheticCorpus(options);

        var clock = Stopwatch.StartNew();
        var counter = new TokenCounter();
        var labelCounts = new List<IReadOnlyList<string>>();
        foreach (var note in corpus.Notes())
        {
            counter.Add(note.Text);
            labelCounts.Add(note.Codes!);
        }

        var vocabulary = counter.ToVocabulary(new VocabularyOptions { MinCount = 1, MaxSize = 1_000_000 });
        var labels = LabelSet.FromCodes(labelCounts);
        labelCounts.Clear();
        double pass1 = clock.Elapsed.TotalSeconds;
        Console.WriteLine($"pass 1 (generate + tokenize + count): {pass1:F1} s, {counter.TotalTokens:N0} tokens, {counter.TotalTokens / pass1:N0} tokens/s, vocabulary {vocabulary.Count:N0}, codes used {labels.Count:N0}");

        clock.Restart();
        var presence = PresenceCorpus.Build(corpus.Notes(), vocabulary, labels);
        double pass2 = clock.Elapsed.TotalSeconds;
        Console.WriteLine($"pass 2 (generate + tokenize + presence): {pass2:F1} s, {counter.TotalTokens / pass2:N0} tokens/s, {presence.TokenPresences:N0} (note, token type) pairs");

        clock.Restart();
        var priors = PriorComputation.Compute(presence, vocabulary, labels, new PriorOptions());
        double mi = clock.Elapsed.TotalSeconds;
        Console.WriteLine($"MI pass: {mi:F1} s over {labels.Count:N0} codes, {priors.Pairs:N0} (code, token) pairs kept (top {priors.TopTokens} per code)");
        Console.WriteLine($"total {pass1 + pass2 + mi:F1} s; peak resident memory {Machine.PeakResidentMegabytes():N0} MB");

        int epochs = Arg(args, "--ranker-epochs", 3);
        if (epochs > 0)
        {
            var rankerOptions = new RankerOptions { Epochs = epochs, Dimension = Arg(args, "--dimension", 64) };
            TorchSharp.torch.manual_seed(rankerOptions.Seed);
            using var scorer = new DotScorer(vocabulary.Count, labels.Count, rankerOptions.Dimension);
            scorer.InitialiseCodesFromDescriptions([.. labels.Descriptions.Select(d => vocabulary.Encode(d).Where(id => id >= Vocabulary.Reserved.Count).ToArray())]);
            var counts = Enumerable.Range(0, labels.Count).Select(c => presence.DocumentsOf(c).Length).ToArray();
            var report = new RankerTrainer(rankerOptions).Train(scorer, priors, presence.TokenDocumentFrequency, counts);
            Console.WriteLine($"ranker (dot, {rankerOptions.Dimension}-d, {epochs} epochs over {labels.Count:N0} codes): {report.Seconds:F1} s; held-out nDCG@{report.K} " +
                              $"{report.HeldOutBefore:F3} -> {report.HeldOutAfter:F3} (rare codes {report.RareHeldOutBefore:F3} -> {report.RareHeldOutAfter:F3}); " +
                              $"peak resident memory now {Machine.PeakResidentMegabytes():N0} MB");
        }

        return 0;
    }

    internal static int Arg(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture) : fallback;
    }
}
