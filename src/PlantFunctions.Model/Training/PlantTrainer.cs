using PlantFunctions.Model.Artifacts;
using PlantFunctions.Model.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace PlantFunctions.Model.Training;

/// <summary>
/// The whole PLANT pipeline: vocabulary and labels, language-model fine-tuning (ULMFiT), mutual-information priors,
/// the learning-to-rank model (token embeddings from the LM, code embeddings from descriptions), then the classifier
/// with planted attention. Each stage runs on its own (<see cref="TrainStage"/>) from the checkpoint the previous one
/// left; checkpoints after every epoch of every stage; a run given a checkpoint resumes from it.
/// </summary>
public sealed partial class PlantTrainer(Device device, TimeProvider time) : IModelTrainer
{
    /// <summary>Trains on the CPU with the system clock.</summary>
    public PlantTrainer()
        : this(CPU, TimeProvider.System)
    {
    }

    /// <inheritdoc />
    public TrainingResult Train(TrainingRequest request, ITrainingCheckpoints checkpoints, IProgress<TrainingProgress> progress, CancellationToken cancellationToken = default) =>
        TrainingStages.RunAll(this, request, checkpoints, progress, cancellationToken);

    /// <inheritdoc />
    public TrainingStageOutcome TrainStage(TrainingRequest request, TrainingPhase stage, ITrainingCheckpoints checkpoints,
        IProgress<TrainingProgress> progress, Func<bool>? yieldAtEpochEnd = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        TrainingStages.Require(stage);
        if (request.Version is { } version && string.IsNullOrWhiteSpace(version))
        {
            throw new ArgumentException("the model version, when given, must not be blank", nameof(request));
        }

        new LabelSpaces.LabelSpace(request.Options.LabelSpace).Validate(request.Descriptions, request.Options.CategorySharing);
        var session = new TrainingSession(request, checkpoints, progress);
        if (TrainingStages.Unfinished(stage, session.IsDone) is { } missing)
        {
            throw TrainingStages.NotReady(stage, missing);
        }

        if (session.IsDone(stage))
        {
            return AlreadyDone(session, stage);
        }

        // Preparing: the validation split, vocabulary and labels are deterministic functions of the request (and the
        // checkpoint); the seed makes the freshly created network identical in every call.
        manual_seed(request.Options.Seed);
        session.Report.Phase(TrainingPhase.Preparing);
        var data = TrainingData.Prepare(request, session.Plan, session.Checkpoint);
        TrainingResult? result = null;
        bool done = stage switch
        {
            TrainingPhase.LanguageModel => TrainLanguageModel(session, data, yieldAtEpochEnd, cancellationToken),
            TrainingPhase.Priors => ComputePriors(session, data),
            TrainingPhase.Ranker => TrainRanker(session, data, cancellationToken),
            _ => (result = TrainClassifier(session, data, yieldAtEpochEnd, cancellationToken)) is not null,
        };
        return new TrainingStageOutcome(stage, done, session.Last, session.Resumed, result);
    }

    /// <summary>A stage the checkpoint has finished: reported as such; the classifier's stored model file is returned again.</summary>
    private static TrainingStageOutcome AlreadyDone(TrainingSession session, TrainingPhase stage)
    {
        if (stage != TrainingPhase.Classifier)
        {
            session.Report.Finished(stage, session.Epochs(stage));
            return new TrainingStageOutcome(stage, true, session.Last, session.Resumed, null);
        }

        var result = StoredResult(session.Checkpoint);
        session.Report.Finished(TrainingPhase.Done, 0, result.Metrics);
        return new TrainingStageOutcome(stage, true, session.Last, session.Resumed, result);
    }

    /// <summary>
    /// The network with the weights the checkpoint holds (language model, ranker); whatever it does not hold stays as
    /// created, from the seed. The returned language model wraps the network's encoder: it is not disposed separately,
    /// because disposing a module disposes its submodules and the encoder lives on in the classifier.
    /// </summary>
    private PlantClassifier CreateModel(TrainingSession session, TrainingData data, out LanguageModel languageModel)
    {
        var model = ModelArtifact.CreateModel(session.Plan.Network, data.Vocabulary.Count, data.Labels, session.Options);
        model.to(device);
        languageModel = new LanguageModel(model.Encoder);
        if (session.Checkpoint.Get(TrainingCheckpointParts.LanguageModel) is { } lmWeights)
        {
            languageModel.load(new MemoryStream(lmWeights), strict: true);
        }

        if (session.Checkpoint.Get(TrainingCheckpointParts.Ranker) is { } rankerWeights)
        {
            model.Decoder.Ranker.load(new MemoryStream(rankerWeights), strict: true);
        }

        return model;
    }
}
