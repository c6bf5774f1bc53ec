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

    /// <summary>Worker threads for the per-code pass (0 = all cores).</summary>
    [Range(0, 1024)]
    public int Threads { get; init; }
}
