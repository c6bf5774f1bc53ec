namespace PlantFunctions.Model.Training;

/// <summary>
/// What to train: the size preset, epochs, and the paper's ablation switches. Every switch defaults to full PLANT.
/// </summary>
public sealed record TrainingOptions
{
    /// <summary>Size preset: "tiny" (tests), "cpu" (trains in minutes on a laptop CPU), "paper" (400/1152/3 layers).</summary>
    public string Preset { get; init; } = "cpu";

    /// <summary>Language-model fine-tuning epochs (0 skips the LM stage).</summary>
    public int LanguageModelEpochs { get; init; } = 2;

    /// <summary>Ranker (learning-to-rank) epochs.</summary>
    public int RankerEpochs { get; init; } = 10;

    /// <summary>Classifier epochs (early stopping may end sooner).</summary>
    public int ClassifierEpochs { get; init; } = 12;

    /// <summary>Peak learning rate of the classifier's decoder group; <c>null</c> = the preset's default (3e-3).</summary>
    public double? ClassifierLearningRate { get; init; }

    /// <summary>Use static planted attention S from mutual information (off = ablation).</summary>
    public bool StaticAttention { get; init; } = true;

    /// <summary>Use differentiable planted attention P from the ranker (off = ablation). S and P off = LAAT-only.</summary>
    public bool PlantedAttention { get; init; } = true;

    /// <summary>Inattention: keep only the top-k ranker scores per code before the softmax (off = softmax over all tokens).</summary>
    public bool Inattention { get; init; } = true;

    /// <summary>Carry the LSTM state across chunks (off = each chunk starts from zero state).</summary>
    public bool Stateful { get; init; } = true;

    /// <summary>Discriminative (per-group) learning rates (off = one rate for all).</summary>
    public bool DiscriminativeLearningRates { get; init; } = true;

    /// <summary>Gradual unfreezing from the last group backwards (off = everything trains from the start).</summary>
    public bool GradualUnfreezing { get; init; } = true;

    /// <summary>
    /// The relevance measure of the priors: the MI gain (default; on CodiEsp it ranks better) or the normalised form the
    /// authors' code uses.
    /// </summary>
    public Priors.RelevanceMeasure RelevanceMeasure { get; init; } = Priors.RelevanceMeasure.Gain;

    /// <summary>Seed for weights, dropout and data order.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>LAAT-only ablation: no S, no P.</summary>
    public static TrainingOptions LaatOnly { get; } = new() { StaticAttention = false, PlantedAttention = false };
}
