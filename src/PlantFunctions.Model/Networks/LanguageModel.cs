using PlantFunctions.Model.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace PlantFunctions.Model.Networks;

/// <summary>
/// Next-token language model over the AWD-LSTM encoder with the output layer tied to the word embedding
/// (logits = dropout(h) E^T + b): the ULMFiT stage whose encoder the classifier starts from.
/// </summary>
public sealed class LanguageModel : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "encoder")]
    private readonly AwdLstm encoder;

    [ComponentName(Name = "output_bias")]
    private readonly Parameter outputBias;

    /// <summary>Creates the language model around an encoder.</summary>
    public LanguageModel(AwdLstm encoder)
        : base(nameof(LanguageModel))
    {
        this.encoder = encoder;
        outputBias = new Parameter(zeros(encoder.Embedding.weight!.shape[0]), requires_grad: true);
        RegisterComponents();
    }

    /// <summary>The encoder.</summary>
    public AwdLstm Encoder => encoder;

    /// <summary>Dropout before the tied head (training only).</summary>
    public double OutputDropout { get; set; }

    /// <summary>Logits [batch, time, vocabulary] for the next token at each position of a chunk.</summary>
    public override Tensor forward(Tensor tokens)
    {
        using var scope = NewDisposeScope();
        var features = nn.functional.dropout(encoder.forward(tokens), OutputDropout, training);
        var logits = features.matmul(encoder.Embedding.weight!.t()).Plus(outputBias);
        return logits.MoveToOuterDisposeScope();
    }
}
