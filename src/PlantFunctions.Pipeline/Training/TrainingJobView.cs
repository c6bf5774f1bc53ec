using PlantFunctions.Pipeline.Orchestration;

namespace PlantFunctions.Pipeline.Training;

/// <summary>The state of a training job as the status endpoint shows it.</summary>
public sealed record TrainingJobView
{
    /// <summary>Job id.</summary>
    public required string Id { get; init; }

    /// <summary>Runtime status.</summary>
    public required RuntimeStatus Status { get; init; }

    /// <summary>The request as accepted.</summary>
    public required TrainingJobRequest Request { get; init; }

    /// <summary>Model name it registers under.</summary>
    public required string ModelName { get; init; }

    /// <summary>When it was accepted.</summary>
    public required DateTimeOffset CreatedTime { get; init; }

    /// <summary>Last change.</summary>
    public required DateTimeOffset LastUpdatedTime { get; init; }

    /// <summary>Current phase (Preparing, LanguageModel, Priors, Ranker, Classifier, Done).</summary>
    public string? Phase { get; init; }

    /// <summary>1-based epoch within the phase.</summary>
    public int Epoch { get; init; }

    /// <summary>Epochs planned for the phase.</summary>
    public int Epochs { get; init; }

    /// <summary>Step within the epoch.</summary>
    public int Step { get; init; }

    /// <summary>Steps per epoch.</summary>
    public int Steps { get; init; }

    /// <summary>Recent training loss.</summary>
    public double? Loss { get; init; }

    /// <summary>Latest validation metrics.</summary>
    public IReadOnlyDictionary<string, double>? Metrics { get; init; }

    /// <summary>Estimated seconds left.</summary>
    public double? RemainingSeconds { get; init; }

    /// <summary>Claims so far (a trainer that died and was replaced counts again).</summary>
    public int Attempts { get; init; }

    /// <summary>Whether a trainer resumed it from a checkpoint.</summary>
    public bool ResumedFromCheckpoint { get; init; }

    /// <summary>The registered model, when finished.</summary>
    public TrainingJobOutput? Output { get; init; }

    /// <summary>Why it failed or was terminated.</summary>
    public string? Error { get; init; }
}
