namespace PlantFunctions.Model.Training;

/// <summary>What one <see cref="IModelTrainer.TrainStage"/> call achieved: whether its stage is finished, and the model
/// file once the classifier stage is.</summary>
/// <param name="Stage">The stage the call ran: LanguageModel, Priors, Ranker or Classifier.</param>
/// <param name="Done">
/// <c>true</c> when the stage is finished (the next stage may run); <c>false</c> when the call yielded at an epoch end
/// and the next call with the same checkpoints continues at the following epoch.
/// </param>
/// <param name="Last">The call's last progress report (stage, epoch, loss, metrics, time left); <c>null</c> when it reported nothing.</param>
/// <param name="Resumed">Whether the call started from an existing checkpoint.</param>
/// <param name="Result">The model file and its metrics when the classifier stage is done (on every call after that too); otherwise <c>null</c>.</param>
public sealed record TrainingStageOutcome(TrainingPhase Stage, bool Done, TrainingProgress? Last, bool Resumed, TrainingResult? Result);
