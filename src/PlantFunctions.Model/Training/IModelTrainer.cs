namespace PlantFunctions.Model.Training;

/// <summary>Trains a model from coded notes; synchronous and long-running, resumable through <see cref="ITrainingCheckpoints"/>.</summary>
public interface IModelTrainer
{
    /// <summary>
    /// Runs (or resumes, when <paramref name="checkpoints"/> holds a checkpoint) the whole training pipeline and returns
    /// the model file. Cancellation stops at the next step; the last checkpoint stays for a later resume.
    /// </summary>
    TrainingResult Train(TrainingRequest request, ITrainingCheckpoints checkpoints, IProgress<TrainingProgress> progress, CancellationToken cancellationToken = default);
}
