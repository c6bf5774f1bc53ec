namespace PlantFunctions.Model.Evaluation;

/// <summary>What <see cref="IcdEvaluator"/> computes besides the fixed set of metrics.</summary>
public sealed record EvaluationOptions
{
    /// <summary>Cut-offs for P@k and R@k. Default 5, 8 and 15.</summary>
    public IReadOnlyList<int> Ks { get; init; } = [5, 8, 15];

    /// <summary>Per label, the number of training notes carrying it; <c>null</c> skips the bucketed macro-F1.</summary>
    public IReadOnlyList<int>? TrainingFrequencies { get; init; }

    /// <summary>Training-frequency buckets for macro-F1. Default 1-5, 6-50, &gt;50.</summary>
    public IReadOnlyList<FrequencyBucket> Buckets { get; init; } = FrequencyBucket.Default;

    /// <summary>When tuning on a validation set, also tune one threshold per code. Default off (one global threshold).</summary>
    public bool PerCodeThresholds { get; init; }

    /// <summary>Threshold used when the validation set has no gold code to tune on. Default 0.5.</summary>
    public float FallbackThreshold { get; init; } = ThresholdTuner.DefaultThreshold;

    /// <summary>Defaults.</summary>
    public static EvaluationOptions Default { get; } = new();
}
