using PlantFunctions.Contracts.Training;

namespace PlantFunctions.Pipeline.Training;

/// <summary>The input of the <c>TrainModel</c> orchestration: the accepted request and the job's settings, fixed at start.</summary>
/// <param name="JobId">The job id (the instance id); the model version it registers.</param>
/// <param name="Request">The request as accepted (prefixes normalised, defaults filled in).</param>
/// <param name="SliceDuration">A training activity returns at the first epoch end after this long.</param>
/// <param name="MaxAttempts">Attempts of a failing training activity.</param>
/// <param name="RetryDelay">Wait before a retry.</param>
public sealed record TrainModelInput(string JobId, TrainingJobRequest Request, TimeSpan SliceDuration, int MaxAttempts, TimeSpan RetryDelay)
{
    /// <summary>The model version the job registers: derived from the instance id, so a retried registration finds its own.</summary>
    public string ModelVersion => JobId;
}

/// <summary>The input of <c>TrainStage</c>: the job and the stage to work on.</summary>
/// <param name="Job">The job.</param>
/// <param name="Stage">LanguageModel, Priors, Ranker or Classifier.</param>
public sealed record TrainStageRequest(TrainModelInput Job, string Stage);

/// <summary>What a <c>TrainStage</c> activity reports.</summary>
/// <param name="Stage">The stage it worked on.</param>
/// <param name="Done">Whether the stage is finished (otherwise the next activity resumes it).</param>
/// <param name="Epoch">Epochs done in the stage.</param>
/// <param name="Epochs">Epochs planned for the stage.</param>
/// <param name="Loss">Recent training loss.</param>
/// <param name="Metrics">Latest validation metrics.</param>
/// <param name="EtaSeconds">Estimated seconds left.</param>
/// <param name="Resumed">Whether it resumed from a checkpoint an earlier activity had written.</param>
public sealed record TrainStageResult(string Stage, bool Done, int Epoch, int Epochs, double? Loss, IReadOnlyDictionary<string, double>? Metrics,
    double? EtaSeconds, bool Resumed);
