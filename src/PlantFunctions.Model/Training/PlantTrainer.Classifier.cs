using PlantFunctions.Model.Artifacts;
using PlantFunctions.Model.LabelSpaces;
using PlantFunctions.Model.Networks;
using PlantFunctions.Model.Notes;
using PlantFunctions.Model.Priors;
using TorchSharp;
using static TorchSharp.torch;

namespace PlantFunctions.Model.Training;

/// <summary>The classifier stage and the model file it ends with.</summary>
public sealed partial class PlantTrainer
{
    /// <summary>
    /// Trains the classifier with planted attention from its last epoch checkpoint; when all its epochs are done, builds
    /// the model file, keeps it in the checkpoint (a repeated call returns it unchanged) and returns it. Returns
    /// <c>null</c> when the call yielded at an epoch end.
    /// </summary>
    private TrainingResult? TrainClassifier(TrainingSession session, TrainingData data, Func<bool>? yieldAtEpochEnd, CancellationToken cancellationToken)
    {
        var (plan, checkpoint, report, options) = (session.Plan, session.Checkpoint, session.Report, session.Options);
        using var model = CreateModel(session, data, out _);
        var priors = RelevancePriors.Load(new MemoryStream(checkpoint.Get(TrainingCheckpointParts.Priors)!));
        int[] codeNotes = CodeNotes(data.Presence(), data);
        var staticAttention = options.StaticAttention ? new StaticAttention(priors, plan.Network.StaticTopTokens, options.StaticPerNote) : null;
        var resume = ClassifierCheckpoint(checkpoint);
        if (resume is null)
        {
            model.Decoder.Initialise(codeNotes, data.Train.Count, staticAttention?.Mass, plan.Classifier.StaticTermInit);
            if (options.PlantedQueries)
            {
                model.Decoder.PlantQueries(model.Encoder.Embedding.weight!, priors);
            }
        }

        checkpoint.Phase = TrainingPhase.Classifier;
        report.Phase(TrainingPhase.Classifier, resume?.Epoch ?? 0, plan.Classifier.Epochs);
        var trainer = new ClassifierTrainer(plan.Classifier, options, device);
        var outcome = trainer.Train(model, data.Encode(data.Train, options.NoteStartToken, options.AssertionTerm), data.Encode(data.Validation, options.NoteStartToken, options.AssertionTerm), staticAttention, resume,
            epochDone: c =>
            {
                StoreClassifierCheckpoint(checkpoint, c);
                session.Save();
            },
            progress: e => report.Epoch(TrainingPhase.Classifier, e.Epoch, plan.Classifier.Epochs, e.TrainLoss, e.Validation),
            stepDone: (step, steps, loss) => report.Step(TrainingPhase.Classifier, step, steps, loss),
            yieldAtEpochEnd: yieldAtEpochEnd,
            cancellationToken: cancellationToken);
        if (outcome is null)
        {
            return null;
        }

        var metrics = new Dictionary<string, double>(outcome.Validation) { ["bestEpoch"] = outcome.BestEpoch };
        string version = session.Request.Version ?? $"{time.GetUtcNow():yyyyMMdd-HHmmss}-{data.Labels.Hash[..6]}{data.Vocabulary.Hash[..6]}";
        var extra = new LabelSpace(options.LabelSpace).ExtraCodes(data.Labels, session.Request.Descriptions);
        byte[] Write(PlantClassifier shipped, RelevancePriors finalPriors, int[] finalCounts)
        {
            metrics["trainingSeconds"] = session.Seconds;
            var perCode = PerCodeThresholds(outcome.Thresholds, codeNotes);
            shipped.to(CPU);
            if (extra.Count == 0)
            {
                return ModelArtifact.Write(Manifest(data.Labels, finalCounts, perCode), data.Vocabulary, data.Labels, finalPriors, shipped);
            }

            // Codes beyond the training codes join the shipped model as described on LabelSpaceExtender; they take the global threshold.
            var grown = LabelSpaceExtender.Extend(shipped, options, data.Vocabulary, data.Labels, finalPriors, finalCounts, data.Coded, extra, plan.Priors,
                options.UnseenCodeOffset ?? TrainingOptions.DefaultUnseenCodeOffset);
            using (grown.Model)
            {
                metrics["labelSpaceCodes"] = grown.Labels.Count;
                var grownThresholds = perCode is null ? null : perCode.Concat(Enumerable.Repeat(outcome.Thresholds.Global, extra.Count)).ToArray();
                var manifest = Manifest(grown.Labels, grown.Frequencies, grownThresholds) with { Shortlist = Coding.CodingOptions.DefaultShortlist };
                return ModelArtifact.Write(manifest, data.Vocabulary, grown.Labels, grown.Priors, grown.Model);
            }
        }

        ModelManifest Manifest(Labels.LabelSet labels, int[] counts, float[]? perCode) =>
            new(ModelManifest.CurrentSchema, "plant", session.Request.ModelName, version, time.GetUtcNow(), plan.Network,
                options, data.Vocabulary.Hash, labels.Hash, (float)(1 / (1 + Math.Exp(-outcome.Thresholds.Global))), metrics, counts,
                outcome.Thresholds.Global, perCode);

        // Priors and code counts over every coded note, when validation was split off them: Finalise and Refit share them.
        var coded = data.Coded.Count > data.Train.Count ? CodedNotesPriors.Compute(data, plan) : null;
        byte[] modelFile;
        if (!Refits(session, data))
        {
            var (finalPriors, finalCounts) = Finalise(model, data, priors, codeNotes, coded, plan);
            modelFile = Write(model, finalPriors, finalCounts);
        }
        else
        {
            // The selection pass's model, as a run without refit would ship it, is kept beside the refit one.
            if (checkpoint.Get(TrainingCheckpointParts.SelectionModelFile) is null)
            {
                var (selectionPriors, selectionCounts) = Finalise(model, data, priors, codeNotes, coded, plan);
                checkpoint.Set(TrainingCheckpointParts.SelectionModelFile, Write(model, selectionPriors, selectionCounts));
                session.Save();
            }

            using var refit = Refit(session, data, coded!, outcome.BestEpoch, yieldAtEpochEnd, cancellationToken);
            if (refit.Model is null)
            {
                return null;
            }

            metrics["refitNotes"] = data.Coded.Count;
            metrics["refitEpochs"] = outcome.BestEpoch;
            modelFile = Write(refit.Model, refit.Priors, refit.Counts);
        }

        var result = new TrainingResult(modelFile, version, metrics);
        checkpoint.Set(TrainingCheckpointParts.ModelFile, result.ModelFile);
        checkpoint.SetJson(TrainingCheckpointParts.Result, new ResultState(result.Version, metrics));
        checkpoint.Phase = TrainingPhase.Done;
        session.Save();
        report.Finished(TrainingPhase.Done, 0, metrics);
        return result;
    }

    /// <summary>Whether the run refits: asked to, with validation split off the training notes (else there is nothing to add).</summary>
    private static bool Refits(TrainingSession session, TrainingData data) => session.Options.Refit && data.Coded.Count > data.Train.Count;

    /// <summary>
    /// The refit pass (<see cref="TrainingOptions.Refit"/>): a classifier created as the selection pass's was (language
    /// model and ranker from the checkpoint), its decoder initialised from the priors, code counts and static mass over
    /// every coded training note (<paramref name="coded"/>), trained on all of them for the <paramref name="epochs"/> the
    /// selection pass kept, with a checkpoint after every epoch. Its <see cref="RefitModel.Model"/> is <c>null</c> when
    /// it yielded at an epoch end.
    /// </summary>
    private RefitModel Refit(TrainingSession session, TrainingData data, CodedNotesPriors coded, int epochs, Func<bool>? yieldAtEpochEnd,
        CancellationToken cancellationToken)
    {
        var (plan, checkpoint, report, options) = (session.Plan, session.Checkpoint, session.Report, session.Options);
        var (priors, counts) = (coded.Priors, coded.Counts);
        var staticAttention = options.StaticAttention ? new StaticAttention(priors, plan.Network.StaticTopTokens, options.StaticPerNote) : null;
        manual_seed(options.Seed);
        var model = CreateModel(session, data, out _);
        try
        {
            var resume = RefitCheckpoint(checkpoint);
            if (resume is null)
            {
                model.Decoder.Initialise(counts, data.Coded.Count, staticAttention?.Mass, plan.Classifier.StaticTermInit);
                if (options.PlantedQueries)
                {
                    model.Decoder.PlantQueries(model.Encoder.Embedding.weight!, priors);
                }
            }

            report.Phase(TrainingPhase.Classifier, resume?.Epoch ?? 0, epochs);
            bool done = new ClassifierTrainer(plan.Classifier, options, device).Refit(model, data.Encode(data.Coded, options.NoteStartToken, options.AssertionTerm),
                staticAttention, epochs, resume,
                epochDone: c =>
                {
                    checkpoint.Set(TrainingCheckpointParts.RefitWeights, c.Weights);
                    checkpoint.Set(TrainingCheckpointParts.RefitOptimizer, c.Optimizer);
                    checkpoint.SetJson(TrainingCheckpointParts.RefitState, new RefitState(c.Epoch, [.. c.History]));
                    session.Save();
                },
                progress: e => report.Epoch(TrainingPhase.Classifier, e.Epoch, epochs, e.TrainLoss, new Dictionary<string, double> { ["refitNotes"] = data.Coded.Count }),
                stepDone: (step, steps, loss) => report.Step(TrainingPhase.Classifier, step, steps, loss),
                yieldAtEpochEnd: yieldAtEpochEnd,
                cancellationToken: cancellationToken);
            if (done)
            {
                return new RefitModel(model, priors, counts);
            }

            model.Dispose();
            return new RefitModel(null, priors, counts);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    private static ClassifierTrainer.Checkpoint? RefitCheckpoint(TrainingCheckpoint checkpoint) =>
        checkpoint.GetJson<RefitState>(TrainingCheckpointParts.RefitState) is { } state
            ? new ClassifierTrainer.Checkpoint(state.Epoch, checkpoint.Get(TrainingCheckpointParts.RefitWeights)!, checkpoint.Get(TrainingCheckpointParts.RefitWeights)!,
                checkpoint.Get(TrainingCheckpointParts.RefitOptimizer)!, double.NaN, state.Epoch, state.History)
            : null;

    /// <summary>The refit pass's classifier (<c>null</c> when it yielded) with the priors and code counts over every coded note.</summary>
    private sealed record RefitModel(PlantClassifier? Model, RelevancePriors Priors, int[] Counts) : IDisposable
    {
        public void Dispose() => Model?.Dispose();
    }

    private sealed record RefitState(int Epoch, List<ClassifierTrainer.EpochResult> History);

    /// <summary>
    /// When validation was split off the training notes, codes that occur only in the validation part (never seen by
    /// the classifier) join the model as every code starts: priors counted over all training notes, bias from their
    /// frequency, static weight from their MI mass. Codes the classifier saw keep the priors it was trained and
    /// validated with, so the stored threshold and metrics describe them. Without the split the training priors stand.
    /// </summary>
    private static (RelevancePriors Priors, int[] Counts) Finalise(PlantClassifier model, TrainingData data, RelevancePriors priors, int[] trainCounts,
        CodedNotesPriors? coded, TrainingPlan plan)
    {
        if (coded is null)
        {
            return (priors, trainCounts);
        }

        var merged = RelevancePriors.Merge(priors, coded.Priors, code => trainCounts[code] == 0);
        var mass = new StaticAttention(merged, plan.Network.StaticTopTokens).Mass;
        model.Decoder.AdoptUnseenCodes(trainCounts, coded.Counts, data.Coded.Count, mass, plan.Classifier.StaticTermInit);
        return (merged, coded.Counts);
    }

    /// <summary>Priors and per-code note counts over every coded training note (validation included).</summary>
    private sealed record CodedNotesPriors(RelevancePriors Priors, int[] Counts)
    {
        public static CodedNotesPriors Compute(TrainingData data, TrainingPlan plan)
        {
            var presence = PresenceCorpus.Build(data.Coded, data.Vocabulary, data.Labels);
            return new CodedNotesPriors(PriorComputation.Compute(presence, data.Vocabulary, data.Labels, plan.Priors, data.Families()),
                [.. Enumerable.Range(0, data.Labels.Count).Select(c => presence.DocumentsOf(c).Length)]);
        }
    }

    /// <summary>
    /// The per-code thresholds to store: codes the classifier never trained on (adopted from the full data by
    /// <see cref="Finalise"/>, with a new bias) take the global one, since validation tuned theirs on the old bias.
    /// </summary>
    private static float[]? PerCodeThresholds(Evaluation.ThresholdSelection thresholds, int[] trainCounts) =>
        thresholds.PerCode is null ? null : [.. thresholds.PerCode.Select((t, code) => trainCounts[code] == 0 ? thresholds.Global : t)];

    /// <summary>The finished run's model file, version and metrics, as the classifier stage stored them.</summary>
    private static TrainingResult StoredResult(TrainingCheckpoint checkpoint)
    {
        var state = checkpoint.GetJson<ResultState>(TrainingCheckpointParts.Result)
            ?? throw new InvalidDataException($"training checkpoint holds a model file but no {TrainingCheckpointParts.Result}");
        return new TrainingResult(checkpoint.Get(TrainingCheckpointParts.ModelFile)!, state.Version, state.Metrics);
    }

    private static ClassifierTrainer.Checkpoint? ClassifierCheckpoint(TrainingCheckpoint checkpoint)
    {
        var state = checkpoint.GetJson<ClassifierState>(TrainingCheckpointParts.ClassifierState);
        if (state is null)
        {
            return null;
        }

        return new ClassifierTrainer.Checkpoint(state.Epoch, checkpoint.Get(TrainingCheckpointParts.ClassifierWeights)!,
            checkpoint.Get(TrainingCheckpointParts.ClassifierBest)!, checkpoint.Get(TrainingCheckpointParts.ClassifierOptimizer)!,
            state.BestScore, state.BestEpoch, state.History);
    }

    private static void StoreClassifierCheckpoint(TrainingCheckpoint checkpoint, ClassifierTrainer.Checkpoint c)
    {
        checkpoint.Set(TrainingCheckpointParts.ClassifierWeights, c.Weights);
        checkpoint.Set(TrainingCheckpointParts.ClassifierBest, c.BestWeights);
        checkpoint.Set(TrainingCheckpointParts.ClassifierOptimizer, c.Optimizer);
        checkpoint.SetJson(TrainingCheckpointParts.ClassifierState, new ClassifierState(c.Epoch, c.BestScore, c.BestEpoch, [.. c.History]));
    }

    private sealed record ClassifierState(int Epoch, double BestScore, int BestEpoch, List<ClassifierTrainer.EpochResult> History);

    private sealed record ResultState(string Version, Dictionary<string, double> Metrics);
}
