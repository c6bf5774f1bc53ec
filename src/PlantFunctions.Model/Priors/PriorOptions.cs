using System.ComponentModel.DataAnnotations;

namespace PlantFunctions.Model.Priors;

/// <summary>How relevance priors are computed and kept.</summary>
public sealed record PriorOptions
{
    /// <summary>Association measure. The default was chosen by measurement (see the README's priors section).</summary>
    public RelevanceMeasure Measure { get; init; } = RelevanceMeasure.Gain;

    /// <summary>Tokens kept per code (the ranker's graded candidates). Default 64.</summary>
    [Range(1, 100_000)]
    public int TopTokens { get; init; } = 64;

    /// <summary>Tokens per code that form the static planted attention S (the authors keep 5).</summary>
    [Range(1, 100_000)]
    public int StaticTopTokens { get; init; } = 5;

    /// <summary>
    /// Borrowing (<see cref="PriorComputation"/>, with <see cref="CodeFamilies"/>): the weight of each note of a code's
    /// family (other codes of its ICD category) counted as a fractional note of the code, before the shrinkage by the
    /// code's own count. Codes without notes always borrow; seen codes only with <see cref="BorrowForSeenCodes"/>.
    /// </summary>
    [Range(0, 100)]
    public double FamilyWeight { get; init; }

    /// <summary>Borrowing: the weight of the code's description as one pseudo-note holding its tokens.</summary>
    [Range(0, 100)]
    public double DescriptionWeight { get; init; } = 3;

    /// <summary>
    /// Borrowing: a code seen n times borrows its family's notes at <see cref="FamilyWeight"/> x k / (k + n), so the
    /// borrowed share halves at n = k and frequent codes borrow almost nothing.
    /// </summary>
    [Range(0.001, 1_000_000)]
    public double BorrowHalfCount { get; init; } = 2;

    /// <summary>
    /// Whether codes with notes of their own also borrow from their family and description (rare codes' MI lists are
    /// noisy); off: only codes without notes (a label space beyond the training codes) borrow.
    /// </summary>
    public bool BorrowForSeenCodes { get; init; }

    /// <summary>Worker threads for the per-code pass (0 = all cores).</summary>
    [Range(0, 1024)]
    public int Threads { get; init; }
}
