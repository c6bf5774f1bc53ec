using PlantFunctions.Model.Runtime;
using TorchSharp;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace PlantFunctions.Model.Networks;

/// <summary>How a batch is run through the classifier.</summary>
/// <param name="Stateful">Carry the LSTM state across chunks (off = the stateless ablation).</param>
/// <param name="EncoderFrozen">Run the encoder without gradients (gradual unfreezing's first stage).</param>
/// <param name="GradientWindow">Training: only the last this-many tokens' chunks get gradients.</param>
public sealed record ClassifierRun(bool Stateful, bool EncoderFrozen, int GradientWindow);

/// <summary>
/// PLANT: the AWD-LSTM encoder and the planted-attention decoder. A note of any length is read whole, chunk by chunk
/// (BPTT length), with the LSTM state carried across chunks and the decoder's attention accumulated exactly
/// (<see cref="DecoderPass"/>).
/// </summary>
public sealed class PlantClassifier : nn.Module
{
    private const int TrimEveryChunks = 32;

    [ComponentName(Name = "encoder")]
    private readonly AwdLstm encoder;

    [ComponentName(Name = "decoder")]
    private readonly PlantDecoder decoder;

    /// <summary>Assembles the classifier.</summary>
    public PlantClassifier(AwdLstm encoder, PlantDecoder decoder, NetworkConfig config)
        : base(nameof(PlantClassifier))
    {
        this.encoder = encoder;
        this.decoder = decoder;
        Config = config;
        RegisterComponents();
    }

    /// <summary>The encoder.</summary>
    public AwdLstm Encoder => encoder;

    /// <summary>The decoder.</summary>
    public PlantDecoder Decoder => decoder;

    /// <summary>Sizes and dropouts.</summary>
    public NetworkConfig Config { get; }

    /// <summary>
    /// Runs a batch and returns the logits [batch, codes]. In training mode dropout masks are drawn per note and only
    /// the chunks inside the gradient window are differentiated; earlier chunks count as constants.
    /// </summary>
    public Tensor Logits(NoteBatch batch, ClassifierRun run)
    {
        using var pass = Run(batch, run, keepChunks: false);
        return pass.Logits();
    }

    /// <summary>
    /// Inference: logits [batch, codes] plus, per code, the <paramref name="evidencePerCode"/> token positions with the
    /// most attention and their weights ([batch, evidencePerCode, codes] each).
    /// </summary>
    public (Tensor Logits, Tensor Positions, Tensor Weights) Infer(NoteBatch batch, int evidencePerCode, bool stateful = true)
    {
        using var noGrad = no_grad();
        using var pass = Run(batch, new ClassifierRun(stateful, EncoderFrozen: true, int.MaxValue), keepChunks: evidencePerCode > 0);
        var logits = pass.Logits();
        if (evidencePerCode <= 0)
        {
            return (logits, zeros(0), zeros(0));
        }

        var (positions, weights) = pass.Evidence(evidencePerCode);
        return (logits, positions, weights);
    }

    /// <summary>True when the chunk [start, start + length) overlaps the last <paramref name="window"/> tokens of some note.</summary>
    private static bool InWindow(NoteBatch batch, int start, int length, int window)
    {
        foreach (int noteLength in batch.Lengths)
        {
            if (start < noteLength && start + length > noteLength - (long)window)
            {
                return true;
            }
        }

        return false;
    }

    private DecoderPass Run(NoteBatch batch, ClassifierRun run, bool keepChunks)
    {
        encoder.Reset(batch.Count, training ? DropoutSet.Classifier(Config) : DropoutSet.None);
        var pass = new DecoderPass(decoder, batch.Count, encoder.EmbeddingSize, batch.Device) { KeepsChunksForEvidence = keepChunks };
        try
        {
            for (int start = 0; start < batch.Length; start += Config.Bptt)
            {
                using var scope = NewDisposeScope();
                int length = Math.Min(Config.Bptt, batch.Length - start);
                bool differentiate = training && is_grad_enabled() && InWindow(batch, start, length, run.GradientWindow);
                using var noGradChunk = differentiate ? null : no_grad();
                if (!run.Stateful)
                {
                    encoder.ClearState();
                }

                var tokens = batch.Tokens.narrow(1, start, length);
                Tensor h;
                using (run.EncoderFrozen ? no_grad() : null)
                using (StageTimes.Time("encoder"))
                {
                    h = encoder.forward(tokens);
                }

                (Tensor, Tensor, Tensor)? staticChunk;
                using (StageTimes.Time("batching"))
                {
                    staticChunk = batch.StaticChunk(start, length, (int)decoder.Codes);
                }

                pass.Add(h, tokens, batch.Valid.narrow(1, start, length), start, staticChunk);
                if (!training && (start / Config.Bptt) % TrimEveryChunks == TrimEveryChunks - 1)
                {
                    Runtime.TorchRuntime.ReleaseFreedMemory();
                }
            }

            encoder.ClearState();
            return pass;
        }
        catch
        {
            pass.Dispose();
            throw;
        }
    }
}
