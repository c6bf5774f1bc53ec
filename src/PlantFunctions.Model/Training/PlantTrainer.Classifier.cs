using PlantFunctions.Model.Artifacts;
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
        }

        checkpoint.Phase = TrainingPhase.Classifier;
        report.Phase(TrainingPhase.Classifier, resume?.Epoch ?? 0, plan.Classifier.Epochs);
        var trainer = new ClassifierTrainer(plan.Classifier, options, device);
        var outcome = trainer.Train(model, data.Encode(data.Train, options.NoteStartToken), data.Encode(data.Validation, options.NoteStartToken), staticAttention, resume,
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

        var (finalPriors, finalCounts) = Finalise(model, data, priors, codeNotes, plan);
        var metrics = new Dictionary<string, double>(outcome.Validation) { ["bestEpoch"] = outcome.BestEpoch, ["trainingSeconds"] = session.Seconds };
        string version = session.Request.Version ?? $"{time.GetUtcNow():yyyyMMdd-HHmmss}-{data.Labels.Hash[..6]}{data.Vocabulary.Hash[..6]}";
        var manifest = new ModelManifest(ModelManifest.CurrentSchema, "plant", session.Request.ModelName, version, time.GetUtcNow(), plan.Network,
            options, data.Vocabulary.Hash, data.Labels.Hash, (float)(1 / (1 + Math.Exp(-outcome.Thresholds.Global))), metrics, finalCounts,
            outcome.Thresholds.Global, PerCodeThresholds(outcome.Thresholds, codeNotes));
        model.to(CPU);
        var result = new TrainingResult(ModelArtifact.Write(manifest, data.Vocabulary, data.Labels, finalPriors, model), version, metrics);
        checkpoint.Set(TrainingCheckpointParts.ModelFile, result.ModelFile);
        checkpoint.SetJson(TrainingCheckpointParts.Result, new ResultState(result.Version, metrics));
        checkpoint.Phase = TrainingPhase.Done;
        session.Save();
        report.Finished(TrainingPhase.Done, 0, metrics);
        return result;
    }

    /// <summary>
    /// When validation was split off the training notes, codes that occur only in the validation part (never seen by
    /// the classifier) join the model as every code starts: priors counted over all training notes, bias from their
    /// frequency, static weight from their MI mass. Codes the classifier saw keep the priors it was trained and
    /// validated with, so the stored threshold and metrics describe them. Without the split the training priors stand.
    /// </summary>
    private static (RelevancePriors Priors, int[] Counts) Finalise(PlantClassifier model, TrainingData data, RelevancePriors priors, int[] trainCounts, TrainingPlan plan)
    {
        IReadOnlyList<ClinicalNote> coded = data.Coded;
        if (coded.Count == data.Train.Count)
        {
            return (priors, trainCounts);
        }

        var presence = PresenceCorpus.Build(coded, data.Vocabulary, data.Labels);
        var all = PriorComputation.Compute(presence, data.Vocabulary, data.Labels, plan.Priors);
        int[] counts = [.. Enumerable.Range(0, data.Labels.Count).Select(c => presence.DocumentsOf(c).Length)];
        var merged = RelevancePriors.Merge(priors, all, code => trainCounts[code] == 0);
        var mass = new StaticAttention(merged, plan.Network.StaticTopTokens).Mass;
        model.Decoder.AdoptUnseenCodes(trainCounts, counts, coded.Count, mass, plan.Classifier.StaticTermInit);
        return (merged, counts);
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
