using System.Diagnostics;
using PlantFunctions.Model.Evaluation;
using PlantFunctions.Model.Networks;
using PlantFunctions.Model.Runtime;
using PlantFunctions.Model.Serialization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace PlantFunctions.Model.Training;

/// <summary>
/// Trains the PLANT classifier: binary cross-entropy, AdamW (betas 0.9/0.99), discriminative learning rates per group,
/// every group from the first epoch (or the paper's gradual unfreezing, one group per epoch from the top), a one-cycle
/// schedule, truncated BPTT over length-bucketed batches, validation after every epoch (epoch 0 = the prior-initialised
/// start), early stopping that keeps the best weights, and a checkpoint after every epoch from which an interrupted run
/// resumes; and the refit pass, which trains again on more notes for the epochs selection kept.
/// </summary>
public sealed class ClassifierTrainer(ClassifierOptions options, TrainingOptions switches, Device device)
{
    /// <summary>What the trainer reports after each epoch.</summary>
    public sealed record EpochResult(int Epoch, double TrainLoss, IReadOnlyDictionary<string, double> Validation, bool Best, double Seconds);

    /// <summary>The resumable state after an epoch.</summary>
    public sealed record Checkpoint(int Epoch, byte[] Weights, byte[] BestWeights, byte[] Optimizer, double BestScore, int BestEpoch, IReadOnlyList<EpochResult> History);

    /// <summary>
    /// The outcome: the model holds the best weights; the thresholds (logits: a global one and one per code) were tuned
    /// on validation at that epoch.
    /// </summary>
    public sealed record Outcome(int BestEpoch, IReadOnlyDictionary<string, double> Validation, ThresholdSelection Thresholds, IReadOnlyList<EpochResult> History);

    /// <summary>The validation score early stopping maximises.</summary>
    public const string SelectionMetric = "MAP";

    /// <summary>The validation metric holding the mean binary cross-entropy over validation notes and codes.</summary>
    public const string LossMetric = "loss";

    /// <summary>
    /// Trains (or resumes from <paramref name="resume"/>) and leaves the best weights in <paramref name="model"/>. After
    /// an epoch's <paramref name="epochDone"/>, when another epoch would follow and <paramref name="yieldAtEpochEnd"/>
    /// returns <c>true</c>, stops and returns <c>null</c>: resuming from that epoch's checkpoint continues exactly.
    /// </summary>
    public Outcome? Train(PlantClassifier model, IReadOnlyList<EncodedNote> train, IReadOnlyList<EncodedNote> validation,
        StaticAttention? staticAttention, Checkpoint? resume, Action<Checkpoint>? epochDone,
        Action<EpochResult>? progress, Action<int, int, double>? stepDone, Func<bool>? yieldAtEpochEnd = null,
        CancellationToken cancellationToken = default)
    {
        using var fit = new Fit(model, options, switches, train.Count);
        var history = new List<EpochResult>(resume?.History ?? []);
        int bestEpoch = resume?.BestEpoch ?? 0;
        double bestScore = resume?.BestScore ?? double.NegativeInfinity;
        byte[]? bestWeights = resume?.BestWeights;
        int startEpoch = 1;
        if (resume is not null)
        {
            fit.Resume(resume);
            startEpoch = resume.Epoch + 1;
        }
        else
        {
            var start = Validate(model, validation, staticAttention);
            bestScore = start.GetValueOrDefault(SelectionMetric, double.NegativeInfinity);
            bestWeights = ZipParts.Weights(model);
            var initial = new EpochResult(0, double.NaN, start, true, 0);
            history.Add(initial);
            progress?.Invoke(initial);
        }

        // Patience starts counting once the learning rate has warmed up: a model learning from scratch (LAAT-only) can
        // look flat in its first, low-rate epochs.
        int warmupEpochs = (int)Math.Ceiling(options.Epochs * 0.25);
        bool Runs(int epoch) => epoch <= options.Epochs && epoch - Math.Max(bestEpoch, warmupEpochs) <= options.Patience;
        for (int epoch = startEpoch; Runs(epoch); epoch++)
        {
            var clock = Stopwatch.StartNew();
            double loss = RunEpoch(fit, train, staticAttention, epoch, stepDone, cancellationToken);
            var metrics = Validate(model, validation, staticAttention);
            double score = metrics.GetValueOrDefault(SelectionMetric, double.NegativeInfinity);
            bool best = score > bestScore;
            if (best)
            {
                bestScore = score;
                bestEpoch = epoch;
                bestWeights = ZipParts.Weights(model);
            }

            var result = new EpochResult(epoch, loss, metrics, best, clock.Elapsed.TotalSeconds);
            history.Add(result);
            progress?.Invoke(result);
            epochDone?.Invoke(new Checkpoint(epoch, ZipParts.Weights(model), bestWeights!, SaveOptimizer(fit.Optimizer), bestScore, bestEpoch, [.. history]));
            if (Runs(epoch + 1) && yieldAtEpochEnd?.Invoke() == true)
            {
                return null;
            }
        }

        Load(model, bestWeights!);
        fit.Groups.Open(fit.Groups.LastStage);
        var (bestMetrics, thresholds) = ValidateWithThreshold(model, validation, staticAttention, perCode: true);
        return new Outcome(bestEpoch, bestMetrics, thresholds, history);
    }

    /// <summary>
    /// The refit pass: trains a freshly initialised <paramref name="model"/> on <paramref name="train"/> (every coded
    /// training note, the validation part included) for exactly <paramref name="epochs"/> epochs, the epoch the selection
    /// pass kept, on the same one-cycle schedule and unfreezing steps, with no validation; the model ends with the last
    /// epoch's weights. Resumes from <paramref name="resume"/>; returns <c>false</c> when it yielded at an epoch end.
    /// </summary>
    public bool Refit(PlantClassifier model, IReadOnlyList<EncodedNote> train, StaticAttention? staticAttention, int epochs,
        Checkpoint? resume, Action<Checkpoint>? epochDone, Action<EpochResult>? progress, Action<int, int, double>? stepDone,
        Func<bool>? yieldAtEpochEnd = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epochs);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(epochs, options.Epochs);
        using var fit = new Fit(model, options, switches, train.Count);
        var history = new List<EpochResult>(resume?.History ?? []);
        int startEpoch = 1;
        if (resume is not null)
        {
            fit.Resume(resume);
            startEpoch = resume.Epoch + 1;
        }

        for (int epoch = startEpoch; epoch <= epochs; epoch++)
        {
            var clock = Stopwatch.StartNew();
            double loss = RunEpoch(fit, train, staticAttention, epoch, stepDone, cancellationToken);
            var result = new EpochResult(epoch, loss, new Dictionary<string, double>(), false, clock.Elapsed.TotalSeconds);
            history.Add(result);
            progress?.Invoke(result);
            byte[] weights = ZipParts.Weights(model);
            epochDone?.Invoke(new Checkpoint(epoch, weights, weights, SaveOptimizer(fit.Optimizer), double.NaN, epoch, [.. history]));
            if (epoch < epochs && yieldAtEpochEnd?.Invoke() == true)
            {
                return false;
            }
        }

        fit.Groups.Open(fit.Groups.LastStage);
        return true;
    }

    /// <summary>
    /// One epoch at its step of the schedule: seeds it, opens every group (or those gradual unfreezing has reached), and trains.
    /// </summary>
    private double RunEpoch(Fit fit, IReadOnlyList<EncodedNote> train, StaticAttention? staticAttention, int epoch,
        Action<int, int, double>? stepDone, CancellationToken cancellationToken)
    {
        manual_seed(options.Seed + epoch);
        int stage = switches.GradualUnfreezing ? epoch - 1 : fit.Groups.LastStage;
        bool encoderOpen = fit.Groups.Open(stage);
        var run = new ClassifierRun(switches.Stateful, EncoderFrozen: !encoderOpen, fit.Model.Config.GradientWindow);
        return TrainEpoch(fit, train, staticAttention, run, (long)(epoch - 1) * fit.BatchesPerEpoch, epoch, stepDone, cancellationToken);
    }

    /// <summary>
    /// What a pass over the training notes trains with: the parameter groups, AdamW over them (no weight decay on the
    /// static-mass term: it would pull the prior's weight towards 0 whatever the data says), each group's peak rate and
    /// the one-cycle schedule over <see cref="ClassifierOptions.Epochs"/> epochs of these notes.
    /// </summary>
    private sealed class Fit : IDisposable
    {
        internal Fit(PlantClassifier model, ClassifierOptions options, TrainingOptions switches, int notes)
        {
            model.zero_grad(set_to_none: true);
            Model = model;
            Groups = new ParameterGroups(model, options, switches.DiscriminativeLearningRates);
            Optimizer = optim.AdamW([.. Groups.All.Select(g => new AdamW.ParamGroup(g.Parameters, options.LearningRate * g.RateFactor, 0.9, 0.99, 1e-6,
                g.Name == ParameterGroups.StaticTerm ? 0 : options.WeightDecay, false, false))]);
            PeakRates = [.. Groups.All.Select(g => options.LearningRate * g.RateFactor)];
            BatchesPerEpoch = (notes + options.BatchSize - 1) / options.BatchSize;
            Schedule = new OneCycleSchedule(1, (long)BatchesPerEpoch * Math.Max(1, options.Epochs));
        }

        internal PlantClassifier Model { get; }

        internal ParameterGroups Groups { get; }

        internal AdamW Optimizer { get; }

        internal double[] PeakRates { get; }

        internal int BatchesPerEpoch { get; }

        internal OneCycleSchedule Schedule { get; }

        /// <summary>Continues from a checkpoint: its last weights and optimizer state.</summary>
        internal void Resume(Checkpoint checkpoint)
        {
            Load(Model, checkpoint.Weights);
            Optimizer.load_state_dict(new BinaryReader(new MemoryStream(checkpoint.Optimizer)));
        }

        public void Dispose() => Optimizer.Dispose();
    }

    private double TrainEpoch(Fit fit, IReadOnlyList<EncodedNote> train, StaticAttention? staticAttention, ClassifierRun run,
        long firstStep, int epoch, Action<int, int, double>? stepDone, CancellationToken cancellationToken)
    {
        var (model, optimizer, schedule, peakRates) = (fit.Model, fit.Optimizer, fit.Schedule, fit.PeakRates);
        model.train();
        var batches = LengthBuckets(train, new Random(options.Seed + epoch));
        double lossSum = 0;
        long step = firstStep;
        int done = 0;
        foreach (var members in batches)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            for (int g = 0; g < peakRates.Length; g++)
            {
                optimizer.ParamGroups.ElementAt(g).LearningRate = peakRates[g] * schedule.Factor(Math.Min(step, schedule.TotalSteps - 1));
            }

            using var batch = new NoteBatch([.. members.Select(n => n.Tokens)], staticAttention, device, switches.AttentionWindow,
                switches.AssertionTerm ? [.. members.Select(n => n.Assertions)] : null);
            var targets = Targets(members, (int)model.Decoder.Codes);
            optimizer.zero_grad();
            Tensor loss;
            model.Encoder.BeginWeightDropout(DropoutSet.Classifier(model.Config).Weight);
            try
            {
                var logits = model.Logits(batch, run);
                loss = nn.functional.binary_cross_entropy_with_logits(logits, targets, reduction: nn.Reduction.Sum) / HeldScalars.Of(members.Length);
                loss.backward();
            }
            finally
            {
                model.Encoder.EndWeightDropout();
            }

            nn.utils.clip_grad_norm_(model.parameters().Where(p => p.requires_grad), options.ClipNorm);
            optimizer.step();
            lossSum += loss.item<float>();
            step++;
            done++;
            stepDone?.Invoke(done, batches.Count, lossSum / done);
        }

        return lossSum / Math.Max(1, done);
    }

    /// <summary>Validation notes the encoder reads together (in decoder groups of the training batch size).</summary>
    private const int ValidationEncoderBatch = 32;

    private Dictionary<string, double> Validate(PlantClassifier model, IReadOnlyList<EncodedNote> validation, StaticAttention? staticAttention) =>
        ValidateWithThreshold(model, validation, staticAttention, perCode: false).Metrics;

    /// <summary>
    /// Validation metrics at the global threshold tuned on the same notes; ranks and thresholds are on logits, never on
    /// float32 probabilities (which tie at 1.0 above a logit of ~16.6).
    /// </summary>
    private (Dictionary<string, double> Metrics, ThresholdSelection Thresholds) ValidateWithThreshold(PlantClassifier model,
        IReadOnlyList<EncodedNote> validation, StaticAttention? staticAttention, bool perCode)
    {
        if (validation.Count == 0)
        {
            return ([], new ThresholdSelection(0f));
        }

        var predictions = Predictor.Predict(model, validation, staticAttention, options.BatchSize, 0, switches.Stateful, device,
            attentionWindow: switches.AttentionWindow, encoderBatchSize: ValidationEncoderBatch);
        var set = new EvaluationSet([.. predictions.Select(p => p.Logits)], [.. validation.Select(n => (IEnumerable<int>)n.Labels)],
            [.. validation.Select(n => n.UnseenCodes)]);
        var thresholds = ThresholdTuner.Tune(set, perCode, fallback: 0f);
        var metrics = IcdEvaluator.Evaluate(set, thresholds with { PerCode = null }).ToDictionary();
        metrics[LossMetric] = MeanBinaryCrossEntropy(predictions, validation);
        return (metrics, thresholds);
    }

    /// <summary>
    /// Binary cross-entropy with logits averaged over notes and codes (the training loss sums over codes instead), from
    /// the logits in double precision in the stable form max(x, 0) - x y + log(1 + e^-|x|).
    /// </summary>
    private static double MeanBinaryCrossEntropy(Predictor.Prediction[] predictions, IReadOnlyList<EncodedNote> notes)
    {
        double sum = 0;
        long count = 0;
        for (int n = 0; n < notes.Count; n++)
        {
            float[] logits = predictions[n].Logits;
            var gold = new HashSet<int>(notes[n].Labels);
            for (int code = 0; code < logits.Length; code++)
            {
                double x = logits[code];
                sum += Math.Max(x, 0) - (gold.Contains(code) ? x : 0) + double.LogP1(Math.Exp(-Math.Abs(x)));
            }

            count += logits.Length;
        }

        return count == 0 ? double.NaN : sum / count;
    }

    private List<EncodedNote[]> LengthBuckets(IReadOnlyList<EncodedNote> notes, Random random)
    {
        // Sort by length with a little noise so batches differ between epochs, then shuffle the batch order.
        var ordered = notes.OrderBy(n => n.Tokens.Length * (0.9 + (0.2 * random.NextDouble()))).ToArray();
        var batches = ordered.Chunk(options.BatchSize).ToList();
        return [.. batches.OrderBy(_ => random.Next())];
    }

    private Tensor Targets(EncodedNote[] members, int codes)
    {
        var targets = new float[members.Length * codes];
        for (int b = 0; b < members.Length; b++)
        {
            foreach (int label in members[b].Labels)
            {
                targets[(b * codes) + label] = 1;
            }
        }

        return tensor(targets, [members.Length, codes], device: device);
    }

    private static void Load(nn.Module module, byte[] weights) => module.load(new MemoryStream(weights), strict: true);

    private static byte[] SaveOptimizer(AdamW optimizer)
    {
        var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            optimizer.save_state_dict(writer);
        }

        return stream.ToArray();
    }
}
