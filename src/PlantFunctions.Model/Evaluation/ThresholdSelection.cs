namespace PlantFunctions.Model.Evaluation;

/// <summary>
/// The decision thresholds of a model: a code is predicted for a note when its score is at least (&gt;=) the threshold.
/// One global threshold, optionally overridden per code.
/// </summary>
/// <param name="Global">The threshold for every code (or for codes without their own).</param>
/// <param name="PerCode">One threshold per label, or <c>null</c> to use <paramref name="Global"/> everywhere.</param>
/// <param name="TunedMicroF1">The micro-F1 the global threshold reached on the set it was tuned on; <c>null</c> if fixed by hand.</param>
public sealed record ThresholdSelection(float Global, IReadOnlyList<float>? PerCode = null, double? TunedMicroF1 = null)
{
    /// <summary>A fixed global threshold, e.g. the 0.5 of the PLANT authors' code.</summary>
    public static ThresholdSelection Fixed(float threshold) => new(threshold);

    /// <summary>The threshold that applies to one label.</summary>
    public float For(int label) => PerCode is null ? Global : PerCode[label];
}
