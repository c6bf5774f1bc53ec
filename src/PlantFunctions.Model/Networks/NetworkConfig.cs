using System.ComponentModel.DataAnnotations;
using PlantFunctions.Model.Ranking;

namespace PlantFunctions.Model.Networks;

/// <summary>
/// Sizes and regularisation of the AWD-LSTM encoder and the PLANT decoder. Presets: <see cref="Tiny"/> (tests),
/// <see cref="Cpu"/> (trains on CodiEsp in minutes on a laptop CPU) and <see cref="Paper"/> (400 / 1152 / 3 layers).
/// Dropouts are fastai's AWD-LSTM defaults times a multiplier, as in ULMFiT.
/// </summary>
public sealed record NetworkConfig
{
    /// <summary>Preset name this config came from.</summary>
    public string Preset { get; init; } = "custom";

    /// <summary>Word embedding size; also the encoder's output size (the LM head is tied to the embedding).</summary>
    [Range(2, 8192)] public int EmbeddingSize { get; init; } = 400;

    /// <summary>Hidden size of the inner LSTM layers.</summary>
    [Range(2, 16384)] public int HiddenSize { get; init; } = 1152;

    /// <summary>Number of stacked LSTM layers.</summary>
    [Range(1, 16)] public int Layers { get; init; } = 3;

    /// <summary>Chunk length (BPTT) in tokens: the LSTM state is carried from one chunk to the next.</summary>
    [Range(1, 100_000)] public int Bptt { get; init; } = 72;

    /// <summary>
    /// Training: gradients flow through the chunks that overlap the last this-many tokens of a note (truncated BPTT);
    /// earlier chunks still count, as constants.
    /// </summary>
    [Range(1, 10_000_000)] public int GradientWindow { get; init; } = 1_440;

    /// <summary>Embedding dropout (whole rows), language model.</summary>
    public double LmEmbeddingDropout { get; init; } = 0.02;

    /// <summary>Input (locked) dropout, language model.</summary>
    public double LmInputDropout { get; init; } = 0.25;

    /// <summary>Dropout between LSTM layers (locked), language model.</summary>
    public double LmHiddenDropout { get; init; } = 0.15;

    /// <summary>DropConnect on the hidden-to-hidden weights, language model.</summary>
    public double LmWeightDropout { get; init; } = 0.2;

    /// <summary>Dropout before the LM head.</summary>
    public double LmOutputDropout { get; init; } = 0.1;

    /// <summary>Embedding dropout, classifier.</summary>
    public double ClassifierEmbeddingDropout { get; init; } = 0.05;

    /// <summary>Input dropout, classifier.</summary>
    public double ClassifierInputDropout { get; init; } = 0.4;

    /// <summary>Hidden dropout, classifier.</summary>
    public double ClassifierHiddenDropout { get; init; } = 0.3;

    /// <summary>Weight dropout, classifier.</summary>
    public double ClassifierWeightDropout { get; init; } = 0.5;

    /// <summary>Multiplier on every dropout above.</summary>
    [Range(0, 1)] public double DropoutMultiplier { get; init; } = 0.5;

    /// <summary>Inattention: ranker scores kept per code before the softmax (paper eq. 6; the authors use 30, 8 for MIMIC full).</summary>
    [Range(1, 100_000)] public int InattentionK { get; init; } = 30;

    /// <summary>Tokens per code in the static planted attention S (the authors keep 5).</summary>
    [Range(1, 100_000)] public int StaticTopTokens { get; init; } = 5;

    /// <summary>Ranking function of the planted attention P.</summary>
    public RankerKind Ranker { get; init; } = RankerKind.Dot;

    /// <summary>Hidden width of the feed-forward ranker.</summary>
    [Range(1, 4096)] public int RankerHidden { get; init; } = 32;

    /// <summary>Unit tests: tiny and fast.</summary>
    public static NetworkConfig Tiny { get; } = new()
    {
        Preset = "tiny", EmbeddingSize = 16, HiddenSize = 32, Layers = 2, Bptt = 12, GradientWindow = 48, InattentionK = 4, RankerHidden = 8,
    };

    /// <summary>CPU-sized: trains on CodiEsp (about a million LM tokens) in minutes on two cores.</summary>
    public static NetworkConfig Cpu { get; } = new()
    {
        Preset = "cpu", EmbeddingSize = 128, HiddenSize = 384, Layers = 3, Bptt = 72, GradientWindow = 1_440,
    };

    /// <summary>The paper's encoder (appendix A.7): embedding 400, 3 LSTM layers of 1152.</summary>
    public static NetworkConfig Paper { get; } = new() { Preset = "paper" };

    /// <summary>The presets' names, as <see cref="FromPreset"/> knows them.</summary>
    public static IReadOnlyList<string> PresetNames { get; } = ["tiny", "cpu", "paper"];

    /// <summary>A preset by name ("tiny", "cpu", "paper").</summary>
    public static NetworkConfig FromPreset(string name) => name.ToLowerInvariant() switch
    {
        "tiny" => Tiny,
        "cpu" => Cpu,
        "paper" => Paper,
        _ => throw new ArgumentException($"unknown preset '{name}': use tiny, cpu or paper", nameof(name)),
    };
}
