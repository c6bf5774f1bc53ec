namespace PlantFunctions.Model.Evaluation;

/// <summary>Macro-F1 over the labels of one training-frequency bucket.</summary>
/// <param name="Bucket">The frequency range.</param>
/// <param name="LabelCount">Labels of the label set whose training frequency falls in the bucket.</param>
/// <param name="PresentLabelCount">Of those, the labels with at least one gold note in the evaluated set.</param>
/// <param name="MacroF1">Mean per-label F1 over the present labels; NaN if there are none.</param>
public sealed record BucketF1(FrequencyBucket Bucket, int LabelCount, int PresentLabelCount, double MacroF1);
