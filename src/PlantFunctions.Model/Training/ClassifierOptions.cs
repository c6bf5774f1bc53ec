using System.ComponentModel.DataAnnotations;

namespace PlantFunctions.Model.Training;

/// <summary>Classifier training settings: AdamW, discriminative rates, one-cycle schedule, early stopping.</summary>
public sealed record ClassifierOptions
{
    /// <summary>Maximum epochs.</summary>
    [Range(0, 10_000)] public int Epochs { get; init; } = 12;

    /// <summary>Notes per batch (length-bucketed).</summary>
    [Range(1, 4096)] public int BatchSize { get; init; } = 8;

    /// <summary>Peak learning rate of the decoder group.</summary>
    [Range(1e-8, 10)] public double LearningRate { get; init; } = 3e-3;

    /// <summary>Each encoder group below the decoder gets the rate of the group above divided by this (ULMFiT's 2.6).</summary>
    [Range(1, 100)] public double EncoderRateDecay { get; init; } = 2.6;

    /// <summary>The ranker's rate relative to the decoder's (paper section 3.2: a smaller rate for the pretrained L2R model).</summary>
    [Range(0, 100)] public double RankerRateFactor { get; init; } = 0.5;

    /// <summary>Decoupled weight decay.</summary>
    [Range(0, 10)] public double WeightDecay { get; init; } = 0.01;

    /// <summary>Gradient norm clip.</summary>
    [Range(0.001, 1000)] public double ClipNorm { get; init; } = 1.0;

    /// <summary>Stop after this many epochs without a better validation score.</summary>
    [Range(1, 10_000)] public int Patience { get; init; } = 3;

    /// <summary>
    /// Our static-mass term (not in the paper's eq. 8; <see cref="TrainingOptions.StaticMassTerm"/>): its initial weight, in
    /// logits, for a code whose MI mass equals the mean over the codes. Code c starts at this x mass_c / mean mass, so the
    /// term starts as a scaled prior-only score whatever the relevance measure (CodiEsp's mean mass is 0.078 with Gain and
    /// 2.06 with Normalized). The default 8 is what a fixed 100 x mass gave with Gain.
    /// </summary>
    [Range(0, 1e6)] public double StaticTermInit { get; init; } = 8;

    /// <summary>The static-mass term's learning rate relative to the decoder's (its weights are of order 10, not 0.01).</summary>
    [Range(0, 1e4)] public double StaticTermRateFactor { get; init; } = 10;

    /// <summary>Fraction of the training notes held out for validation when no validation notes are given.</summary>
    [Range(0.01, 0.5)] public double ValidationFraction { get; init; } = 0.1;

    /// <summary>Seed for order, dropout and initialisation.</summary>
    public int Seed { get; init; } = 42;
}
