using System.Diagnostics;
using PlantFunctions.Model.Synthetic;
using PlantFunctions.Model.Text;
using PlantFunctions.Model.Training;
using static TorchSharp.torch;

namespace PlantFunctions.Benchmarks;

/// <summary>
/// Training speed of the whole PLANT pipeline (language model, priors, ranker, classifier) on a generated coded corpus,
/// through the real trainer: each stage's time, tokens/s of the language model (as the trainer measures it) and of the
/// classifier (training text per second of stage time, validation included), and the peak resident memory.
/// Options: --preset cpu|paper|tiny, --codes N, --documents N, --median-words N, --lm-epochs N, --epochs N.
/// </summary>
internal static class TrainingBenchmark
{
    public static int Run(string[] args)
    {
        string preset = args.SkipWhile(a => a != "--preset").Skip(1).FirstOrDefault() ?? "cpu";
        int codes = PriorsBenchmark.Arg(args, "--codes", 200);
        int documents = PriorsBenchmark.Arg(args, "--documents", 600);
        int medianWords = PriorsBenchmark.Arg(args, "--median-words", 300);
        int lmEpochs = PriorsBenchmark.Arg(args, "--lm-epochs", 1);
        int epochs = PriorsBenchmark.Arg(args, "--epochs", 2);
        set_num_threads(Environment.ProcessorCount);

        var corpus = new SyntheticCorpus(new SyntheticCorpusOptions
        {
            Documents = documents, Codes = codes, VocabularySize = 20_000, MedianWords = medianWords, MedianCodesPerDocument = 8,
        });
        var notes = corpus.Notes().ToList();
        int validationCount = documents / 10;
        var train = notes.Take(documents - validationCount).ToList();
        var validation = notes.Skip(documents - validationCount).ToList();
        var options = new TrainingOptions { Preset = preset, LanguageModelEpochs = lmEpochs, ClassifierEpochs = epochs, RankerEpochs = 3 };
        long trainTokens = train.Sum(n => (long)Tokenizer.Tokenize(n.Text).Count);

        var stages = new StageClock();
        var clock = Stopwatch.StartNew();
        var result = new PlantTrainer().Train(new TrainingRequest("benchmark", train, validation, null, null, options), new NoCheckpoints(), stages);
        stages.Close();
        double total = clock.Elapsed.TotalSeconds;

        Console.WriteLine($"preset {preset}, {train.Count:N0} training notes ({trainTokens:N0} tokens) + {validation.Count} validation, {codes:N0} codes, " +
                          $"LM {lmEpochs} epoch(s), classifier {epochs} epoch(s), {Environment.ProcessorCount} threads");
        foreach (var (phase, seconds) in stages.Seconds)
        {
            Console.WriteLine($"  {phase,-14} {seconds,8:F1} s");
        }

        double classifier = stages.Seconds.GetValueOrDefault(TrainingPhase.Classifier);
        Console.WriteLine($"language model: {stages.LanguageModelTokensPerSecond:N0} tokens/s (the trainer's own count, last epoch)");
        Console.WriteLine($"classifier: {trainTokens * epochs / Math.Max(classifier, 1e-9):N0} training tokens/s (validation passes included)");
        Console.WriteLine($"total {total:F1} s; validation MAP {result.Metrics.GetValueOrDefault("MAP"):F3}; peak resident memory {Machine.PeakResidentMegabytes():N0} MB");
        return 0;
    }

    /// <summary>Times each stage from its first progress report to the next stage's first report.</summary>
    private sealed class StageClock : IProgress<TrainingProgress>
    {
        private readonly Stopwatch clock = Stopwatch.StartNew();
        private TrainingPhase? current;
        private TimeSpan started;

        public Dictionary<TrainingPhase, double> Seconds { get; } = [];

        public double LanguageModelTokensPerSecond { get; private set; }

        public void Report(TrainingProgress value)
        {
            if (value.Phase == TrainingPhase.LanguageModel && value.Metrics.TryGetValue("tokensPerSecond", out double rate))
            {
                LanguageModelTokensPerSecond = rate;
            }

            if (value.Phase != current)
            {
                Close();
                current = value.Phase;
                started = clock.Elapsed;
            }
        }

        public void Close()
        {
            if (current is { } phase && phase != TrainingPhase.Done)
            {
                Seconds[phase] = Seconds.GetValueOrDefault(phase) + (clock.Elapsed - started).TotalSeconds;
            }

            started = clock.Elapsed;
        }
    }

    private sealed class NoCheckpoints : ITrainingCheckpoints
    {
        public byte[]? Load() => null;

        public void Save(byte[] checkpoint)
        {
        }
    }
}
