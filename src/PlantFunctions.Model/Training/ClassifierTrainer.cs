using System.Diagnostics;
using PlantFunctions.Model.Evaluation;
using PlantFunctions.Model.Networks;
using PlantFunctions.Model.Serialization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace PlantFunctions.Model.Training;

/// <summary>
/// Trains the PLANT classifier: binary cross-entropy, AdamW (betas 0.9/0.99), discriminative learning rates per group,
/// gradual unfreezing one group per epoch from the top, a one-cycle schedule, truncated BPTT over length-bucketed
/// batches, validation after every epoch (epoch 0 = the prior-initialised start), early stopping that keeps the best
/// weights, and a checkpoint after every epoch from which an interrupted run resumes.
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
        model.zero_grad(set_to_none: true);
        var groups = new ParameterGroups(model, options, switches.DiscriminativeLearningRates);
        // No weight decay on the static-mass term: it would pull the prior's weight towards 0 whatever the data says.
        var paramGroups = groups.All.Select(g => new AdamW.ParamGroup(g.Parameters, options.LearningRate * g.RateFactor, 0.9, 0.99, 1e-6,
            g.Name == ParameterGroups.StaticTerm ? 0 : options.WeightDecay, false, false)).ToList();
        using var optimizer = optim.AdamW(paramGroups);
        var peakRates = groups.All.Select(g => options.LearningRate * g.RateFactor).ToArray();
        int batchesPerEpoch = (train.Count + options.BatchSize - 1) / options.BatchSize;
        var schedule = new OneCycleSchedule(1, (long)batchesPerEpoch * Math.Max(1, options.Epochs));
        var history = new List<EpochResult>(resume?.History ?? []);
        int bestEpoch = resume?.BestEpoch ?? 0;
        double bestScore = resume?.BestScore ?? double.NegativeInfinity;
        byte[]? bestWeights = resume?.BestWeights;
        int startEpoch = 1;
        if (resume is not null)
        {
            Load(model, resume.Weights);
            optimizer.load_state_dict(new BinaryReader(new MemoryStream(resume.Optimizer)));
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
            manual_seed(options.Seed + epoch);
            int stage = switches.GradualUnfreezing ? epoch - 1 : groups.LastStage;
            bool encoderOpen = groups.Open(stage);
            var run = new ClassifierRun(switches.Stateful, EncoderFrozen: !encoderOpen, model.Config.GradientWindow);
            double loss = TrainEpoch(model, optimizer, train, staticAttention, run, schedule, peakRates, (long)(epoch - 1) * batchesPerEpoch, epoch, stepDone, cancellationToken);
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
            epochDone?.Invoke(new Checkpoint(epoch, ZipParts.Weights(model), bestWeights!, SaveOptimizer(optimizer), bestScore, bestEpoch, [.. history]));
            if (Runs(epoch + 1) && yieldAtEpochEnd?.Invoke() == true)
            {
                return null;
            }
        }

        Load(model, bestWeights!);
        groups.Open(groups.LastStage);
        var (bestMetrics, thresholds) = ValidateWithThreshold(model, validation, staticAttention, perCode: true);
        return new Outcome(bestEpoch, bestMetrics, thresholds, history);
    }

    private double TrainEpoch(PlantClassifier model, AdamW optimizer, IReadOnlyList<EncodedNote> train, StaticAttention? staticAttention,
        ClassifierRun run, OneCycleSchedule schedule, double[] peakRates, long firstStep, int epoch, Action<int, int, double>? stepDone,
        CancellationToken cancellationToken)
    {
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

            using var batch = new NoteBatch([.. members.Select(n => n.Tokens)], staticAttention, device, switches.AttentionWindow);
            var targets = Targets(members, (int)model.Decoder.Codes);
            optimizer.zero_grad();
            Tensor loss;
            model.Encoder.BeginWeightDropout(DropoutSet.Classifier(model.Config).Weight);
            try
            {
                var logits = model.Logits(batch, run);
                loss = nn.functional.binary_cross_entropy_with_logits(logits, targets, reduction: nn.Reduction.Sum) / members.Length;
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
