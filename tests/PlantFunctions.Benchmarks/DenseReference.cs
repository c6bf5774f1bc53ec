using System.Diagnostics;
using PlantFunctions.Model.Artifacts;
using PlantFunctions.Model.Networks;
using static TorchSharp.torch;

namespace PlantFunctions.Benchmarks;

/// <summary>
/// The authors' dense way of running the PLANT decoder, kept here as a yardstick (never in the product): one note at a
/// time, the encoder's outputs for the whole note held, and full token x code maps for A (H U^T, softmax over tokens),
/// S (rows of a dense vocabulary x code table of MI weights; with S per note, a dense map of the note's own entries) and P (ranker scores for every token and code, top k per
/// code kept, softmax), then V = A^T H + S^T H + P^T H and logit = sum(V * W) + b. It computes our equations (P's dropped
/// positions get no weight; our static-mass term when the model has it on), so its logits must equal the coder's.
/// </summary>
internal sealed class DenseReference : IDisposable
{
    private readonly ModelArtifact artifact;
    private readonly Tensor? staticTable;

    /// <summary>Builds the dense MI table [vocabulary, codes] of the model's S weights (MI / the code's top mass).</summary>
    public DenseReference(ModelArtifact artifact)
    {
        this.artifact = artifact;
        artifact.Model.eval();
        if (artifact.StaticAttention is { PerNote: false } staticAttention && artifact.Model.Decoder.Switches.Static)
        {
            int codes = artifact.Labels.Count;
            var table = new float[(long)artifact.Vocabulary.Count * codes];
            for (int code = 0; code < codes; code++)
            {
                float mass = staticAttention.Mass[code];
                var tokens = artifact.Priors.TokensOf(code);
                var values = artifact.Priors.ValuesOf(code);
                for (int i = 0; i < Math.Min(staticAttention.TokensPerCode, tokens.Length) && mass > 0; i++)
                {
                    table[((long)tokens[i] * codes) + code] = values[i] / mass;
                }
            }

            staticTable = tensor(table, [artifact.Vocabulary.Count, codes]);
        }
    }

    /// <summary>Encoder seconds and decoder seconds spent so far.</summary>
    public (double Encoder, double Decoder) Seconds => (encoderClock.Elapsed.TotalSeconds, decoderClock.Elapsed.TotalSeconds);

    private readonly Stopwatch encoderClock = new();
    private readonly Stopwatch decoderClock = new();

    /// <summary>The logits [codes] of one encoded note.</summary>
    public float[] Logits(int[] noteTokens)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var model = artifact.Model;
        var tokens = tensor(noteTokens.Select(t => (long)t).ToArray(), [1, noteTokens.Length]);

        encoderClock.Start();
        model.Encoder.Reset(1, DropoutSet.None);
        var pieces = new List<Tensor>();
        for (int start = 0; start < noteTokens.Length; start += model.Config.Bptt)
        {
            pieces.Add(model.Encoder.forward(tokens.narrow(1, start, Math.Min(model.Config.Bptt, noteTokens.Length - start))));
        }

        var h = cat(pieces, 1)[0];                                                          // [T, F]
        model.Encoder.ClearState();
        encoderClock.Stop();

        // S per note (the default): the note's own choice of each code's tokens, filled into a dense [T, L] map from our
        // entries outside the clock (the global form gathers rows of the dense MI table on the clock).
        Tensor? perNoteStatic = null;
        if (staticTable is null && artifact.StaticAttention is { PerNote: true } staticAttention && model.Decoder.Switches.Static)
        {
            int codes = artifact.Labels.Count;
            var dense = new float[(long)noteTokens.Length * codes];
            foreach (var (position, code, weight) in staticAttention.Entries(noteTokens))
            {
                dense[((long)position * codes) + code] += weight;
            }

            perNoteStatic = tensor(dense, [noteTokens.Length, codes]);
        }

        decoderClock.Start();
        var decoder = model.Decoder;
        var switches = decoder.Switches;
        var a = softmax(h.matmul(decoder.LabelAttention.t()), 0);                          // [T, L]
        var context = a.t().matmul(h);                                                     // [L, F]
        Tensor? staticMass = null;
        if (staticTable is not null || perNoteStatic is not null)
        {
            var ids = tokens[0];
            var s = perNoteStatic ?? staticTable!.index_select(0, ids)
                / bincount(ids, minlength: artifact.Vocabulary.Count).index_select(0, ids).to(ScalarType.Float32).unsqueeze(1);   // [T, L]
            context = context + s.t().matmul(h);
            staticMass = s.sum(0);
        }

        if (switches.Planted)
        {
            var scores = decoder.Ranker.ScoreAllCodes(tokens[0]);                          // [T, L]
            if (switches.Inattention)
            {
                var threshold = scores.topk(Math.Min(switches.InattentionK, noteTokens.Length), dim: 0).Item1[^1];
                scores = scores.masked_fill(scores < threshold, float.NegativeInfinity);
            }

            context = context + softmax(scores, 0).t().matmul(h);
        }

        var logits = (context * decoder.Boost).sum(-1) + decoder.Bias;
        if (staticMass is not null && switches.StaticMassTerm)
        {
            logits = logits + (decoder.StaticScale * staticMass);
        }

        var result = logits.data<float>().ToArray();
        decoderClock.Stop();
        return result;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        staticTable?.Dispose();
        artifact.Dispose();
    }
}
