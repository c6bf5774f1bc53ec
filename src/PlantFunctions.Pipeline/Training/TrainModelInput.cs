using PlantFunctions.Contracts.Training;

namespace PlantFunctions.Pipeline.Training;

/// <summary>
/// The input of the <c>TrainModel</c> orchestration: the accepted request and the job's settings, fixed at start. The
/// history keeps it, so a job started by an older build is replayed and finished by a newer one with the input that
/// build wrote: members added later are optional (read as absent from older inputs) and <see cref="Version"/> tells
/// which shape, and which sequence of activity calls, a job was started with.
/// </summary>
/// <param name="JobId">The job id (the instance id).</param>
/// <param name="Request">The request as accepted (prefixes normalised, defaults filled in).</param>
/// <param name="SliceDuration">A training activity returns at the first epoch end after this long.</param>
/// <param name="MaxAttempts">Attempts of a failing training activity.</param>
/// <param name="RetryDelay">Wait before a retry.</param>
public sealed record TrainModelInput(string JobId, TrainingJobRequest Request, TimeSpan SliceDuration, int MaxAttempts, TimeSpan RetryDelay)
{
    /// <summary>The shape this build writes. 1 (absent: 0): job id only, files in <c>_jobs/{job}/</c>, version = job id. 2: a run id.</summary>
    public const int CurrentVersion = 2;

    private readonly string? modelVersion;

    /// <summary>The input's shape (0 when it was written before inputs carried one: read as version 1).</summary>
    public int Version { get; init; }

    /// <summary>
    /// The run of the job id (version 2 on): its files are under <c>_jobs/{job}/{run}/</c> and the model file it
    /// registers carries it, so a purged job id used again never meets the files or the model version of an earlier run.
    /// Null for inputs of version 1.
    /// </summary>
    public string? RunId { get; init; }

    /// <summary>
    /// The model version the job registers, chosen when it starts: the job id, unless an earlier run of a purged job id
    /// registered that version (versions are never replaced); then <c>{jobId}.{n}</c>. Inputs of version 1 register the job id.
    /// </summary>
    public string ModelVersion
    {
        get => modelVersion ?? JobId;
        init => modelVersion = value;
    }

    /// <summary>Attempts of a failing activity, at least 1 (an input that lacks the field gets the default, 3).</summary>
    public int Attempts => MaxAttempts >= 1 ? MaxAttempts : 3;
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
