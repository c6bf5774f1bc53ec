using System.ComponentModel.DataAnnotations;

namespace PlantFunctions.Model.Ranking;

/// <summary>Settings of the learning-to-rank model and its LambdaRank training (defaults after the authors' code).</summary>
public sealed record RankerOptions
{
    /// <summary>Scoring function. Default: the dot product the authors used.</summary>
    public RankerKind Kind { get; init; } = RankerKind.Dot;

    /// <summary>Embedding size when no language-model embeddings are given.</summary>
    [Range(2, 4096)] public int Dimension { get; init; } = 64;

    /// <summary>Hidden width of the feed-forward scorer.</summary>
    [Range(1, 4096)] public int Hidden { get; init; } = 32;

    /// <summary>Passes over all codes.</summary>
    [Range(0, 10_000)] public int Epochs { get; init; } = 10;

    /// <summary>Codes (queries) per step.</summary>
    [Range(1, 100_000)] public int CodesPerBatch { get; init; } = 64;

    /// <summary>Random irrelevant tokens added to each code's candidates per step.</summary>
    [Range(0, 100_000)] public int NegativesPerCode { get; init; } = 64;

    /// <summary>Relevance grades of the positives (log-spaced over MI rank, finest at the top); negatives are grade 0.</summary>
    [Range(1, 30)] public int Grades { get; init; } = 5;

    /// <summary>The k of nDCG@k that LambdaRank optimises and evaluation reports.</summary>
    [Range(1, 10_000)] public int K { get; init; } = 15;

    /// <summary>LambdaRank's sigma (the authors use 0.5).</summary>
    [Range(0.0001, 100)] public double Sigma { get; init; } = 0.5;

    /// <summary>AdamW learning rate.</summary>
    [Range(1e-8, 10)] public double LearningRate { get; init; } = 3e-3;

    /// <summary>Decoupled weight decay (the authors use 0.1 for the ranker).</summary>
    [Range(0, 10)] public double WeightDecay { get; init; } = 0.1;

    /// <summary>Gradient clipping norm.</summary>
    [Range(0.0001, 1000)] public double ClipNorm { get; init; } = 1.0;

    /// <summary>Fraction of each code's relevant tokens held out to measure generalisation.</summary>
    [Range(0, 0.9)] public double HoldOutFraction { get; init; } = 0.2;

    /// <summary>Irrelevant tokens in each held-out evaluation list.</summary>
    [Range(1, 100_000)] public int EvaluationNegatives { get; init; } = 100;

    /// <summary>Codes with at most this many training notes count as rare in the report.</summary>
    [Range(0, 1_000_000)] public int RareCodeMaxNotes { get; init; } = 5;

    /// <summary>Seed for initialisation, splits and sampling.</summary>
    public int Seed { get; init; } = 7;

    /// <summary>
    /// After reporting held-out nDCG, train the scorer again from its start on all relevance pairs (the hold-out
    /// included) and ship that one. Default on; off ships the scorer trained on the 1 - HoldOutFraction part.
    /// </summary>
    public bool ShipTrainedOnAllData { get; init; } = true;
}
