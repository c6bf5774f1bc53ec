using System.Diagnostics;
using PlantFunctions.Model.Artifacts;
using PlantFunctions.Model.Labels;
using PlantFunctions.Model.Networks;
using PlantFunctions.Model.Notes;
using PlantFunctions.Model.Priors;
using PlantFunctions.Model.Ranking;
using PlantFunctions.Model.Serialization;
using PlantFunctions.Model.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace PlantFunctions.Model.Training;

/// <summary>
/// The whole PLANT pipeline: vocabulary and labels, language-model fine-tuning (ULMFiT), mutual-information priors,
/// the learning-to-rank model (token embeddings from the LM, code embeddings from descriptions), then the classifier
/// with planted attention. Checkpoints after every epoch of every stage; a run given a checkpoint resumes from it.
/// </summary>
public sealed class PlantTrainer(Device device, TimeProvider time) : IModelTrainer
{
    /// <summary>Trains on the CPU with the system clock.</summary>
    public PlantTrainer()
        : this(CPU, TimeProvider.System)
    {
    }

    /// <inheritdoc />
    public TrainingResult Train(TrainingRequest request, ITrainingCheckpoints checkpoints, IProgress<TrainingProgress> progress, CancellationToken cancellationToken = default)
    {
        var options = request.Options;
        var plan = TrainingPlan.For(options);
        var stored = checkpoints.Load();
        var checkpoint = stored is null ? new TrainingCheckpoint() : TrainingCheckpoint.FromBytes(stored);
        var clock = Stopwatch.StartNew();
        var report = new ProgressReporter(progress, clock);
        manual_seed(options.Seed);

        // Preparing: the validation split, vocabulary and labels are deterministic functions of the request.
        report.Phase(TrainingPhase.Preparing);
        // With no validation notes given, validation is split off the training notes: those notes still belong to the
        // training data, so the vocabulary and label set cover them and the final priors count them (see Finalise).
        var (train, validation, coded) = Split(request, plan.Classifier);
        var vocabulary = checkpoint.Get("vocabulary.json") is { } v ? Vocabulary.Load(new MemoryStream(v))
            : Vocabulary.Build(coded.Concat(request.Validation ?? []).Concat(request.Unlabelled ?? []).Select(n => n.Text), plan.Vocabulary);
        var labels = checkpoint.Get("labels.json") is { } l ? LabelSet.Load(new MemoryStream(l))
            : LabelSet.FromCodes(coded.Select(n => n.Codes ?? []), code => request.Descriptions?.Describe(code));
        checkpoint.Set("vocabulary.json", vocabulary.Save);
        checkpoint.Set("labels.json", labels.Save);
        var encodedTrain = train.Select(n => EncodedNote.From(n, vocabulary, labels)).ToList();
        var encodedValidation = validation.Select(n => EncodedNote.From(n, vocabulary, labels)).ToList();

        using var model = ArtifactModel(plan, vocabulary, labels, options);
        model.to(device);

        // Language model: fine-tune the encoder on unlabelled + training notes. Not disposed: disposing a module
        // disposes its submodules, and the encoder lives on in the classifier.
        var languageModel = new LanguageModel(model.Encoder);
        if (checkpoint.Get("lm.bin") is { } lmWeights)
        {
            languageModel.load(new MemoryStream(lmWeights), strict: true);
        }

        if (checkpoint.Phase <= TrainingPhase.LanguageModel && checkpoint.LanguageModelEpoch < plan.LanguageModel.Epochs)
        {
            checkpoint.Phase = TrainingPhase.LanguageModel;
            TrainLanguageModel(languageModel, plan, request, vocabulary, coded, checkpoint, checkpoints, report, cancellationToken);
        }

        // Priors: mutual information on the training notes.
        report.Phase(TrainingPhase.Priors);
        var presence = PresenceCorpus.Build(train, vocabulary, labels);
        var priors = checkpoint.Get("priors.bin") is { } p ? RelevancePriors.Load(new MemoryStream(p))
            : PriorComputation.Compute(presence, vocabulary, labels, plan.Priors);
        checkpoint.Set("priors.bin", priors.Save);
        var codeNotes = Enumerable.Range(0, labels.Count).Select(c => presence.DocumentsOf(c).Length).ToArray();

        // Ranker: token embeddings from the LM, code embeddings from descriptions, LambdaRank on the MI relevance.
        var ranker = model.Decoder.Ranker;
        if (checkpoint.Get("ranker.bin") is { } rankerWeights)
        {
            ranker.load(new MemoryStream(rankerWeights), strict: true);
        }
        else if (options.PlantedAttention)
        {
            checkpoint.Phase = TrainingPhase.Ranker;
            report.Phase(TrainingPhase.Ranker, 0, plan.Ranker.Epochs);
            ranker.InitialiseTokens(model.Encoder.Embedding.weight!.detach());
            ranker.InitialiseCodesFromDescriptions([.. labels.Descriptions.Select(d => vocabulary.Encode(d).Where(id => id >= Vocabulary.Reserved.Count).ToArray())]);
            double rankerLoss = double.NaN;
            var rankerReport = new RankerTrainer(plan.Ranker).Train(ranker, priors, presence.TokenDocumentFrequency, codeNotes,
                new SynchronousProgress<(int Epoch, int Epochs, double Loss)>(e =>
                {
                    rankerLoss = e.Loss;
                    report.Epoch(TrainingPhase.Ranker, e.Epoch, e.Epochs, e.Loss, null);
                }),
                cancellationToken);
            report.Epoch(TrainingPhase.Ranker, plan.Ranker.Epochs, plan.Ranker.Epochs, rankerLoss, new Dictionary<string, double>
            {
                [$"heldOutNDCG@{rankerReport.K}"] = rankerReport.HeldOutAfter,
                ["untrained"] = rankerReport.HeldOutBefore,
                ["rareCodes"] = rankerReport.RareHeldOutAfter,
            });
            checkpoint.SetJson("ranker-report.json", rankerReport);
            checkpoint.Set("ranker.bin", ZipParts.Weights(ranker));
            checkpoint.Phase = TrainingPhase.Classifier;
            checkpoints.Save(checkpoint.ToBytes());
        }

        // Classifier.
        var staticAttention = options.StaticAttention ? new StaticAttention(priors, plan.Network.StaticTopTokens) : null;
        var resume = ClassifierCheckpoint(checkpoint);
        if (resume is null)
        {
            model.Decoder.Initialise(codeNotes, train.Count, staticAttention?.Mass, plan.Classifier.StaticScaleInit);
        }

        checkpoint.Phase = TrainingPhase.Classifier;
        report.Phase(TrainingPhase.Classifier, resume?.Epoch ?? 0, plan.Classifier.Epochs);
        var trainer = new ClassifierTrainer(plan.Classifier, options, device);
        var outcome = trainer.Train(model, encodedTrain, encodedValidation, staticAttention, resume,
            epochDone: c =>
            {
                StoreClassifierCheckpoint(checkpoint, c);
                checkpoints.Save(checkpoint.ToBytes());
            },
            progress: e => report.Epoch(TrainingPhase.Classifier, e.Epoch, plan.Classifier.Epochs, e.TrainLoss, e.Validation),
            stepDone: (step, steps, loss) => report.Step(TrainingPhase.Classifier, step, steps, loss),
            cancellationToken: cancellationToken);

        var (finalPriors, finalCounts) = Finalise(model, coded, train, vocabulary, labels, priors, codeNotes, plan);
        var metrics = new Dictionary<string, double>(outcome.Validation) { ["bestEpoch"] = outcome.BestEpoch, ["trainingSeconds"] = clock.Elapsed.TotalSeconds };
        string version = $"{time.GetUtcNow():yyyyMMdd-HHmmss}-{labels.Hash[..6]}{vocabulary.Hash[..6]}";
        var manifest = new ModelManifest(ModelManifest.CurrentSchema, "plant", request.ModelName, version, time.GetUtcNow(), plan.Network,
            options, vocabulary.Hash, labels.Hash, outcome.Threshold, metrics, finalCounts);
        model.to(CPU);
        byte[] file = ModelArtifact.Write(manifest, vocabulary, labels, finalPriors, model);
        report.Phase(TrainingPhase.Done);
        return new TrainingResult(file, version, metrics);
    }

    private static PlantClassifier ArtifactModel(TrainingPlan plan, Vocabulary vocabulary, LabelSet labels, TrainingOptions options) =>
        ModelArtifact.CreateModel(plan.Network, vocabulary.Count, labels.Count, options);

    private void TrainLanguageModel(LanguageModel languageModel, TrainingPlan plan, TrainingRequest request, Vocabulary vocabulary,
        IReadOnlyList<ClinicalNote> train, TrainingCheckpoint checkpoint, ITrainingCheckpoints checkpoints, ProgressReporter report,
        CancellationToken cancellationToken)
    {
        var corpus = train.Concat(request.Unlabelled ?? []).Select(n => vocabulary.Encode(n.Text)).Where(ids => ids.Length > 0).ToList();
        var trainer = new LanguageModelTrainer(plan.LanguageModel, plan.Network, device);
        report.Phase(TrainingPhase.LanguageModel, checkpoint.LanguageModelEpoch, plan.LanguageModel.Epochs);
        trainer.Train(languageModel, corpus, checkpoint.LanguageModelEpoch + 1, checkpoint.Get("lm-optimizer.bin"),
            epochDone: (e, optimizerState) =>
            {
                checkpoint.LanguageModelEpoch = e.Epoch;
                checkpoint.Set("lm.bin", ZipParts.Weights(languageModel));
                checkpoint.Set("lm-optimizer.bin", optimizerState);
                checkpoint.SetJson($"lm-epoch-{e.Epoch}.json", e);
                checkpoints.Save(checkpoint.ToBytes());
                report.Epoch(TrainingPhase.LanguageModel, e.Epoch, plan.LanguageModel.Epochs, e.TrainLoss,
                    new Dictionary<string, double> { ["perplexity"] = e.ValidationPerplexity, ["tokensPerSecond"] = e.TokensPerSecond });
            },
            stepDone: (step, steps, loss) => report.Step(TrainingPhase.LanguageModel, step, steps, loss),
            cancellationToken: cancellationToken);
    }

    /// <summary>Training part, validation part, and all coded training notes (both parts when validation was split off).</summary>
    private static (IReadOnlyList<ClinicalNote> Train, IReadOnlyList<ClinicalNote> Validation, IReadOnlyList<ClinicalNote> Coded) Split(
        TrainingRequest request, ClassifierOptions options)
    {
        var coded = request.Train.Where(n => n.Codes is { Count: > 0 }).OrderBy(n => n.Id, StringComparer.Ordinal).ToList();
        if (coded.Count == 0)
        {
            throw new ArgumentException("training needs notes with codes; none of the training notes has any", nameof(request));
        }

        if (request.Validation is { Count: > 0 })
        {
            var validation = request.Validation.Where(n => n.Codes is { Count: > 0 }).ToList();
            return validation.Count > 0 ? (coded, validation, coded)
                : throw new ArgumentException("none of the validation notes has codes: validation needs gold codes", nameof(request));
        }

        var random = new Random(options.Seed);
        var shuffled = coded.OrderBy(_ => random.Next()).ToList();
        int count = Math.Max(1, (int)(coded.Count * options.ValidationFraction));
        return (shuffled.Skip(count).OrderBy(n => n.Id, StringComparer.Ordinal).ToList(), shuffled.Take(count).OrderBy(n => n.Id, StringComparer.Ordinal).ToList(), coded);
    }

    /// <summary>
    /// When validation was split off the training notes, codes that occur only in the validation part (never seen by
    /// the classifier) join the model as every code starts: priors counted over all training notes, bias from their
    /// frequency, static weight from their MI mass. Codes the classifier saw keep the priors it was trained and
    /// validated with, so the stored threshold and metrics describe them. Without the split the training priors stand.
    /// </summary>
    private static (RelevancePriors Priors, int[] Counts) Finalise(PlantClassifier model, IReadOnlyList<ClinicalNote> coded, IReadOnlyList<ClinicalNote> train,
        Vocabulary vocabulary, LabelSet labels, RelevancePriors priors, int[] trainCounts, TrainingPlan plan)
    {
        if (coded.Count == train.Count)
        {
            return (priors, trainCounts);
        }

        var presence = PresenceCorpus.Build(coded, vocabulary, labels);
        var all = PriorComputation.Compute(presence, vocabulary, labels, plan.Priors);
        int[] counts = [.. Enumerable.Range(0, labels.Count).Select(c => presence.DocumentsOf(c).Length)];
        var merged = RelevancePriors.Merge(priors, all, code => trainCounts[code] == 0);
        var mass = new StaticAttention(merged, plan.Network.StaticTopTokens).Mass;
        model.Decoder.AdoptUnseenCodes(trainCounts, counts, coded.Count, mass, plan.Classifier.StaticScaleInit);
        return (merged, counts);
    }

    private static ClassifierTrainer.Checkpoint? ClassifierCheckpoint(TrainingCheckpoint checkpoint)
    {
        var state = checkpoint.GetJson<ClassifierState>("classifier.json");
        if (state is null)
        {
            return null;
        }

        return new ClassifierTrainer.Checkpoint(state.Epoch, checkpoint.Get("classifier.weights")!, checkpoint.Get("classifier.best")!,
            checkpoint.Get("classifier.optimizer")!, state.BestScore, state.BestEpoch, state.History);
    }

    private static void StoreClassifierCheckpoint(TrainingCheckpoint checkpoint, ClassifierTrainer.Checkpoint c)
    {
        checkpoint.Set("classifier.weights", c.Weights);
        checkpoint.Set("classifier.best", c.BestWeights);
        checkpoint.Set("classifier.optimizer", c.Optimizer);
        checkpoint.SetJson("classifier.json", new ClassifierState(c.Epoch, c.BestScore, c.BestEpoch, [.. c.History]));
    }

    private sealed record ClassifierState(int Epoch, double BestScore, int BestEpoch, List<ClassifierTrainer.EpochResult> History);
}
