namespace PlantFunctions.Model.Networks;

/// <summary>The four AWD-LSTM encoder dropouts in effect (language model or classifier settings).</summary>
/// <param name="Embedding">Probability of dropping a whole embedding row.</param>
/// <param name="Input">Locked dropout on the embeddings.</param>
/// <param name="Hidden">Locked dropout between LSTM layers.</param>
/// <param name="Weight">DropConnect on hidden-to-hidden weights.</param>
public sealed record DropoutSet(double Embedding, double Input, double Hidden, double Weight)
{
    /// <summary>No dropout (evaluation).</summary>
    public static DropoutSet None { get; } = new(0, 0, 0, 0);

    /// <summary>The language-model dropouts of a config.</summary>
    public static DropoutSet LanguageModel(NetworkConfig c) => new(
        c.LmEmbeddingDropout * c.DropoutMultiplier, c.LmInputDropout * c.DropoutMultiplier,
        c.LmHiddenDropout * c.DropoutMultiplier, c.LmWeightDropout * c.DropoutMultiplier);

    /// <summary>The classifier dropouts of a config.</summary>
    public static DropoutSet Classifier(NetworkConfig c) => new(
        c.ClassifierEmbeddingDropout * c.DropoutMultiplier, c.ClassifierInputDropout * c.DropoutMultiplier,
        c.ClassifierHiddenDropout * c.DropoutMultiplier, c.ClassifierWeightDropout * c.DropoutMultiplier);
}
