using System.Diagnostics;
using PlantFunctions.Model.Artifacts;
using PlantFunctions.Model.Coding;
using PlantFunctions.Model.Labels;
using PlantFunctions.Model.Networks;
using PlantFunctions.Model.Notes;
using PlantFunctions.Model.Priors;
using PlantFunctions.Model.Runtime;
using PlantFunctions.Model.Synthetic;
using PlantFunctions.Model.Text;
using PlantFunctions.Model.Training;
using static TorchSharp.torch;

namespace PlantFunctions.Benchmarks;

/// <summary>
/// Coding speed and memory of a PLANT model of a given size: an untrained network (speed and memory do not depend on
/// the weights' values) with MI priors from a generated corpus, coding generated notes of a given length through the
/// real coder (batching, evidence). Run one configuration per process: the peak resident memory is per process.
/// Prints where the time goes per stage, then codes the first --reference-notes notes with the authors' dense decoder
/// (<see cref="DenseReference"/>) side by side, with a bare batched LSTM of the encoder's size and the arithmetic floor.
/// Options: --preset cpu|paper|tiny, --codes N, --tokens N (words per note), --notes N, --vocabulary N, --evidence N,
/// --reference-notes N (0: no reference), --shortlist N (also code with a shortlist of N codes per note, first, so that
/// the peak after it is its own; then exact, with the share of the exact top 15 the shortlist kept).
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
        int referenceNotes = PriorsBenchmark.Arg(args, "--reference-notes", 2);
        int shortlist = PriorsBenchmark.Arg(args, "--shortlist", 0);
        set_num_threads(Environment.ProcessorCount);

        // Priors from at most 20,000 generated notes; every code of the corpus is a label (at 72,000 codes many carry none
        // of those notes, as codes beyond the training data do in a whole-ICD-10-CM label space).
        var corpus = new SyntheticCorpus(new SyntheticCorpusOptions
        {
            Documents = Math.Clamp(codes * 2, 2_000, 20_000), Codes = codes, VocabularySize = vocabularySize, MedianWords = 300, MedianCodesPerDocument = 8,
        });
        var training = corpus.Notes().ToList();
        var vocabulary = Vocabulary.Build(training.Select(n => n.Text), new VocabularyOptions { MinCount = 1, MaxSize = vocabularySize + 3 });
        var labels = corpus.Labels;
        var priors = PriorComputation.Compute(PresenceCorpus.Build(training, vocabulary, labels), vocabulary, labels, new PriorOptions());
        training.Clear();
        var network = NetworkConfig.FromPreset(preset);
        var options = new TrainingOptions { Preset = preset };
        manual_seed(1);
        var model = ModelArtifact.CreateModel(network, vocabulary.Count, labels, options);
        var manifest = new ModelManifest(ModelManifest.CurrentSchema, "plant", "benchmark", "1", DateTimeOffset.UnixEpoch, network, options,
            vocabulary.Hash, labels.Hash, 0.5f, new Dictionary<string, double>(), new int[labels.Count]);
        byte[] file = ModelArtifact.Write(manifest, vocabulary, labels, priors, model);
        model.Dispose();
        GC.Collect();

        var batch = Enumerable.Range(0, notes).Select(i => LongNote(corpus, i, tokens)).ToList();
        double baseline = Machine.ResidentMegabytes();
        double seconds, loaded, loadSeconds;
        var stages = new StageTimes();
        IReadOnlyList<CodedNote> coded;
        int words = batch.Sum(n => Tokenizer.Tokenize(n.Text).Count);
        var loadClock = Stopwatch.StartNew();
        using (var coder = new PlantCoderLoader("cpu").Load(new MemoryStream(file)))
        {
            loadSeconds = loadClock.Elapsed.TotalSeconds;
            loaded = Machine.ResidentMegabytes();
            Console.WriteLine($"preset {preset} ({network.EmbeddingSize}/{network.HiddenSize}/{network.Layers} layers), {labels.Count:N0} codes, vocabulary {vocabulary.Count:N0}, " +
                              $"{notes} notes of {words / notes:N0} tokens, {Environment.ProcessorCount} threads");
            Console.WriteLine($"model file {file.Length / 1e6:N0} MB, loaded in {loadSeconds:F1} s; {baseline:N0} MB resident before loading, {loaded:N0} MB after");
            var exactOptions = CodingOptions.Default with { EvidenceTokens = evidence, MinCodes = 5 };
            IReadOnlyList<CodedNote>? cut = null;
            if (shortlist > 0)
            {
                var shortlistStages = new StageTimes();
                var shortlistOptions = exactOptions with { Shortlist = shortlist };
                coder.Code(batch, shortlistOptions);   // warm-up, the whole batch: the encoder's first call per shape is slow, and both runs read the same shapes
                (double cutSeconds, cut) = Time(coder, batch, shortlistOptions, shortlistStages);
                Console.WriteLine();
                Report($"shortlist of {shortlist:N0} codes", cutSeconds, cut, shortlistStages, notes, words);
            }

            coder.Code(batch.Take(1).ToList(), exactOptions);   // warm-up
            (seconds, coded) = Time(coder, batch, exactOptions, stages);
            Console.WriteLine();
            Report("exact (every code)", seconds, coded, stages, notes, words);
            if (cut is not null)
            {
                // The records hold the returned codes (at least 5, up to the threshold's); compare the top 5 of each.
                double kept = coded.Zip(cut).Average(p => p.First.Codes.Take(5).Select(c => c.Code).Intersect(p.Second.Codes.Take(5).Select(c => c.Code)).Count() / 5.0);
                Console.WriteLine($"shortlisted records keep {kept:P1} of the exact records' top 5 codes (an untrained network: speed only; dev measures the ranking)");
            }
        }

        double decoder = stages.Seconds.Where(s => s.Stage.StartsWith("decoder", StringComparison.Ordinal)).Sum(s => s.Seconds) / notes;
        double encoderSeconds = stages.Seconds.Where(s => s.Stage == "encoder").Sum(s => s.Seconds) / notes;
        double evidenceSeconds = stages.Seconds.Where(s => s.Stage == "evidence").Sum(s => s.Seconds) / notes;

        if (referenceNotes > 0)
        {
            Console.WriteLine();
            CompareWithReference(file, batch.Take(referenceNotes).ToList(), network, labels.Count, decoder, evidenceSeconds, encoderSeconds, Math.Min(32, notes));
        }

        return 0;
    }

    private static (double Seconds, IReadOnlyList<CodedNote> Coded) Time(INoteCoder coder, List<ClinicalNote> batch, CodingOptions options, StageTimes stages)
    {
        var clock = Stopwatch.StartNew();
        using (StageTimes.Collect(stages))
        {
            var coded = coder.Code(batch, options);
            return (clock.Elapsed.TotalSeconds, coded);
        }
    }

    /// <summary>One coding run's time, its stages and the process's peak resident memory so far.</summary>
    private static void Report(string title, double seconds, IReadOnlyList<CodedNote> coded, StageTimes stages, int notes, int words)
    {
        Console.WriteLine($"{title}: {seconds:F2} s, {seconds / notes:F3} s/note, {notes / seconds:F2} notes/s, {words / seconds:N0} tokens/s, " +
                          $"{coded.Sum(c => c.Codes.Count)} codes returned; peak resident so far {Machine.PeakResidentMegabytes():N0} MB");
        Console.WriteLine("where the time goes (s/note):");
        foreach (var (stage, stageSeconds) in stages.Seconds)
        {
            Console.WriteLine($"  {stage,-32} {stageSeconds / notes,8:F3}  {100 * stageSeconds / seconds,5:F1}%");
        }

        double decoder = stages.Seconds.Where(s => s.Stage.StartsWith("decoder", StringComparison.Ordinal) || s.Stage == "shortlist").Sum(s => s.Seconds) / notes;
        Console.WriteLine($"  {"decoder (shortlist, A, S, P)",-32} {decoder,8:F3}");
        Console.WriteLine($"  {"other (unattributed)",-32} {(seconds - stages.Seconds.Where(s => !s.Stage.Contains(':', StringComparison.Ordinal)).Sum(s => s.Seconds)) / notes,8:F3}");
    }

    /// <summary>
    /// The authors' dense decoder on the same notes in this process (its logits against ours), a bare batched LSTM of the
    /// encoder's size, and the arithmetic floor from this machine's measured matmul rate.
    /// </summary>
    private static void CompareWithReference(byte[] file, List<ClinicalNote> notes, NetworkConfig network, int codes, double ours, double evidence, double encoder, int lstmBatch)
    {
        using var reference = new DenseReference(ModelArtifact.Read(new MemoryStream(file)));
        using var mine = ModelArtifact.Read(new MemoryStream(file));
        var encoded = notes.Select(n => EncodedNote.From(n, mine.Vocabulary, null, mine.Manifest.Training.NoteStartToken)).ToList();
        var ourLogits = Predictor.Predict(mine.Model, encoded, mine.StaticAttention, 1, 0, true, CPU);
        reference.Logits(encoded[0].Tokens);   // warm-up
        var (encoderBefore, decoderBefore) = reference.Seconds;
        double maxDifference = 0;
        int sameTop15 = 0;
        foreach (var (note, index) in encoded.Select((n, i) => (n, i)))
        {
            float[] theirs = reference.Logits(note.Tokens);
            float[] ourRow = ourLogits[index].Logits;
            maxDifference = Math.Max(maxDifference, theirs.Zip(ourRow, (x, y) => Math.Abs(x - y)).Max());
            sameTop15 += Top(theirs, 15).SequenceEqual(Top(ourRow, 15)) ? 1 : 0;
        }

        var (encoderAfter, decoderAfter) = reference.Seconds;
        double theirDecoder = (decoderAfter - decoderBefore) / notes.Count;
        double theirEncoder = (encoderAfter - encoderBefore) / notes.Count;
        int tokens = (int)encoded.Average(n => n.Tokens.Length);
        var floor = Floor(network, codes, tokens, mine.Model.Decoder.Ranker.TokenEmbedding.weight!.shape[1]);
        double bare = BareLstmSecondsPerNote(network, lstmBatch, tokens);

        Console.WriteLine($"side by side ({notes.Count} notes of ~{tokens:N0} tokens; the reference codes one note at a time):");
        Console.WriteLine($"  {"",-34} {"s/note",8}");
        Console.WriteLine($"  {"decoder, ours (A, S, P)",-34} {ours,8:F3}");
        Console.WriteLine($"  {"decoder, ours + evidence",-34} {ours + evidence,8:F3}");
        Console.WriteLine($"  {"decoder, the authors' dense way",-34} {theirDecoder,8:F3}   theirs / ours {theirDecoder / ours:F2}x (with evidence {theirDecoder / (ours + evidence):F2}x)");
        Console.WriteLine($"  {"decoder, arithmetic floor",-34} {floor.DecoderSeconds,8:F3}   {floor.DecoderGflop:F1} GFLOP at {floor.Gflops:F0} GFLOP/s measured");
        Console.WriteLine($"  {"encoder, ours",-34} {encoder,8:F3}");
        Console.WriteLine($"  {"encoder, reference (one note)",-34} {theirEncoder,8:F3}");
        Console.WriteLine($"  {$"bare batched LSTM, same size, batch {lstmBatch}",-34} {bare,8:F3}   ours / bare {encoder / bare:F2}x");
        Console.WriteLine($"  {"encoder, arithmetic floor",-34} {floor.EncoderSeconds,8:F3}   {floor.EncoderGflop:F1} GFLOP");
        Console.WriteLine($"  logits: max |ours - reference| = {maxDifference:G3}; same top-15 codes in {sameTop15}/{notes.Count} notes");
    }

    private static int[] Top(float[] logits, int k) => [.. Enumerable.Range(0, logits.Length).OrderByDescending(c => logits[c]).ThenBy(c => c).Take(k)];

    /// <summary>
    /// FLOPs per note: decoder 2TFL (scores) + 2TFL (A^T H) + 2TdL (ranker scores) + 2kLF (P^T H over the k kept tokens;
    /// S is sparse and negligible); encoder 8H(in + H) per token and layer. Seconds at the rate of a [T, F] x [F, L] matmul here.
    /// </summary>
    private static (double DecoderGflop, double EncoderGflop, double Gflops, double DecoderSeconds, double EncoderSeconds) Floor(
        NetworkConfig network, int codes, int tokens, long rankerDimension)
    {
        double t = tokens, f = network.EmbeddingSize, l = codes;
        double decoder = (4 * t * f * l) + (2 * t * rankerDimension * l) + (2.0 * network.InattentionK * l * f);
        double encoder = 0;
        for (int layer = 0; layer < network.Layers; layer++)
        {
            double input = layer == 0 ? network.EmbeddingSize : network.HiddenSize;
            double hidden = layer == network.Layers - 1 ? network.EmbeddingSize : network.HiddenSize;
            encoder += 8 * hidden * (input + hidden) * t;
        }

        double gflops = MatmulBenchmark.Rate(tokens, network.EmbeddingSize, codes, ScalarType.Float32);
        return (decoder / 1e9, encoder / 1e9, gflops, decoder / 1e9 / gflops, encoder / 1e9 / gflops);
    }

    /// <summary>Seconds per note of a plain batched stack of LSTMs of the encoder's sizes over [batch, tokens] inputs, no dropout.</summary>
    private static double BareLstmSecondsPerNote(NetworkConfig network, int batch, int tokens)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var layers = new List<TorchSharp.Modules.LSTM>();
        for (int layer = 0; layer < network.Layers; layer++)
        {
            int input = layer == 0 ? network.EmbeddingSize : network.HiddenSize;
            int hidden = layer == network.Layers - 1 ? network.EmbeddingSize : network.HiddenSize;
            layers.Add(nn.LSTM(input, hidden, batchFirst: true));
        }

        var x = randn(batch, tokens, network.EmbeddingSize);
        Tensor Run()
        {
            var y = x;
            foreach (var lstm in layers)
            {
                y = lstm.forward(y, null).Item1;
            }

            return y;
        }

        Run();
        var clock = Stopwatch.StartNew();
        Run();
        double seconds = clock.Elapsed.TotalSeconds / batch;
        layers.ForEach(l => l.Dispose());
        return seconds;
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
