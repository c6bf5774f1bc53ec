namespace PlantFunctions.Model.Training;

/// <summary>
/// Trains a model from coded notes; synchronous and long-running, resumable through <see cref="ITrainingCheckpoints"/>.
/// A run is four stages (<see cref="TrainingStages.All"/>), each resumable on its own so that a durable orchestration
/// can run one stage, or a slice of a long one, per activity.
/// </summary>
public interface IModelTrainer
{
    /// <summary>
    /// Runs (or resumes, when <paramref name="checkpoints"/> holds a checkpoint) the whole training pipeline and returns
    /// the model file. Cancellation stops at the next step; the last checkpoint stays for a later resume.
    /// </summary>
    TrainingResult Train(TrainingRequest request, ITrainingCheckpoints checkpoints, IProgress<TrainingProgress> progress, CancellationToken cancellationToken = default) =>
        TrainingStages.RunAll(this, request, checkpoints, progress, cancellationToken);

    /// <summary>
    /// Runs one stage (LanguageModel, Priors, Ranker or Classifier) from where the checkpoint left it, saving a
    /// checkpoint after every epoch (Priors and Ranker: at their end). A finished stage returns at once; a stage whose
    /// predecessors are unfinished throws <see cref="InvalidOperationException"/> naming the stage to run first. The language-model and classifier stages ask
    /// <paramref name="yieldAtEpochEnd"/> after each checkpointed epoch and return unfinished when it says so; the next
    /// call continues exactly as an uninterrupted run would. The finished classifier stage returns the model file,
    /// again on every later call.
    /// </summary>
    TrainingStageOutcome TrainStage(TrainingRequest request, TrainingPhase stage, ITrainingCheckpoints checkpoints,
        IProgress<TrainingProgress> progress, Func<bool>? yieldAtEpochEnd = null, CancellationToken cancellationToken = default);
}
