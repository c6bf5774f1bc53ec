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

    /// <summary>At most this many tokens per decoder span (default: as many as the memory budget allows).</summary>
    public int? MaxSpanTokens { get; init; }

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
    /// Inference: logits [batch, codes] plus, when <paramref name="evidencePerCode"/> &gt; 0, per note the
    /// <paramref name="evidencePerCode"/> token positions with the most attention, and their weights, for each code that
    /// <paramref name="explain"/> picks from the note's row and logits (every code when it is null).
    /// </summary>
    public (Tensor Logits, IReadOnlyDictionary<int, CodeEvidence>[]? Evidence) Infer(NoteBatch batch, int evidencePerCode,
        Func<int, float[], IReadOnlyList<int>>? explain = null, bool stateful = true) =>
        Infer([batch], evidencePerCode, explain is null ? null : (_, row, logits) => explain(row, logits), stateful)[0];

    /// <summary>
    /// Inference over several decoder groups read by one encoder batch: the LSTM steps all their notes together (its
    /// recurrent matrix product is far faster over many rows), each group's decoder keeps its own, memory-bounded maps.
    /// Per group its logits and evidence, as <see cref="Infer(NoteBatch, int, Func{int, float[], IReadOnlyList{int}}?, bool)"/>;
    /// <paramref name="explain"/> gets the group, the row in it and the row's logits. With <paramref name="shortlist"/>
    /// below the number of codes (each group then one note), only that many codes per note, picked by cheap scores, get
    /// exact logits and evidence (see <see cref="InferShortlisted"/>).
    /// </summary>
    public IReadOnlyList<(Tensor Logits, IReadOnlyDictionary<int, CodeEvidence>[]? Evidence)> Infer(IReadOnlyList<NoteBatch> groups, int evidencePerCode,
        Func<int, int, float[], IReadOnlyList<int>>? explain = null, bool stateful = true, int? shortlist = null)
    {
        using var noGrad = no_grad();
        if (shortlist is { } n && n < decoder.Codes)
        {
            return InferShortlisted(groups, evidencePerCode, explain, stateful, Math.Max(1, n));
        }

        var passes = RunGroups(groups, stateful, keepChunks: evidencePerCode > 0);
        try
        {
            var results = new List<(Tensor, IReadOnlyDictionary<int, CodeEvidence>[]?)>();
            for (int g = 0; g < groups.Count; g++)
            {
                var logits = passes[g].Logits();
                if (evidencePerCode <= 0)
                {
                    results.Add((logits, null));
                    continue;
                }

                long codes = logits.shape[1];
                float[] flat = logits.cpu().data<float>().ToArray();
                int group = g;
                var wanted = Enumerable.Range(0, groups[g].Count)
                    .Select(row => explain?.Invoke(group, row, flat.AsSpan((int)(row * codes), (int)codes).ToArray()) ?? [.. Enumerable.Range(0, (int)codes)])
                    .ToList();
                results.Add((logits, passes[g].Evidence(evidencePerCode, wanted)));
            }

            return results;
        }
        finally
        {
            passes.ForEach(p => p.Dispose());
        }
    }

    /// <summary>Tokens one encoder call may read for <paramref name="rows"/> notes so that its gates ([rows, tokens, 4 x hidden]) stay within the map budget.</summary>
    private int EncoderSpanTokens(long rows) =>
        (int)Math.Max(Config.Bptt, DecoderPass.MapBudget / Math.Max(1, rows * 4L * Config.HiddenSize) / Config.Bptt * Config.Bptt);

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

    /// <summary>
    /// Reads the batch span by span (<see cref="DecoderPass.SpanTokens"/>; a span never mixes chunks inside and outside
    /// the gradient window). With a carried state the encoder reads a span in one LSTM call (the same as chunk by chunk
    /// with the state carried); the stateless ablation steps it one BPTT chunk at a time, resetting the state.
    /// </summary>
    private DecoderPass Run(NoteBatch batch, ClassifierRun run, bool keepChunks)
    {
        encoder.Reset(batch.Count, training ? DropoutSet.Classifier(Config) : DropoutSet.None);
        var pass = new DecoderPass(decoder, batch, encoder.EmbeddingSize) { KeepsSpansForEvidence = keepChunks };
        int bptt = Config.Bptt;
        int spanTokens = Math.Min(DecoderPass.SpanTokens(batch.Count, decoder.Codes, bptt), MaxSpanTokens ?? int.MaxValue);
        bool Differentiate(int at) => training && is_grad_enabled() && InWindow(batch, at, Math.Min(bptt, batch.Length - at), run.GradientWindow);
        try
        {
            int spansRead = 0;
            for (int start = 0; start < batch.Length; spansRead++)
            {
                bool differentiate = Differentiate(start);
                int end = Math.Min(start + bptt, batch.Length);
                while (end < batch.Length && end + bptt - start <= spanTokens && Differentiate(end) == differentiate)
                {
                    end = Math.Min(end + bptt, batch.Length);
                }

                using var scope = NewDisposeScope();
                Tensor h;
                using (StageTimes.Time("encoder"))
                {
                    h = Encode(batch.Tokens, start, end, run, differentiate);
                }

                pass.Add(h, start, differentiate);
                start = end;
                if (!training && spansRead % 8 == 7)
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

    /// <summary>
    /// Inference over decoder groups (see <see cref="Infer(IReadOnlyList{NoteBatch}, int, Func{int, int, float[], IReadOnlyList{int}}?, bool)"/>):
    /// one encoder over all their rows, span by span, each group's rows handed to its own pass.
    /// </summary>
    private List<DecoderPass> RunGroups(IReadOnlyList<NoteBatch> groups, bool stateful, bool keepChunks)
    {
        var passes = groups.Select(g => new DecoderPass(decoder, g, encoder.EmbeddingSize) { KeepsSpansForEvidence = keepChunks }).ToList();
        try
        {
            EncodeGroups(groups, stateful, decoder.Codes, (g, h, start) => passes[g].Add(h, start, differentiable: false));
            return passes;
        }
        catch
        {
            passes.ForEach(p => p.Dispose());
            throw;
        }
    }

    /// <summary>
    /// Inference with a shortlist (<see cref="Infer(IReadOnlyList{NoteBatch}, int, Func{int, int, float[], IReadOnlyList{int}}?, bool, int?)"/>),
    /// each group one note: the encoder reads every note once and keeps its features; per note the cheap scores of
    /// <see cref="ShortlistScores"/> pick <paramref name="shortlist"/> codes, and a decoder pass over those codes alone
    /// (<see cref="DecoderPass"/> with a code subset) gives their exact logits. Every other code's logit is its cheap score
    /// shifted to lie at least 1 below the lowest exact one, so rankings stay total.
    /// </summary>
    private List<(Tensor Logits, IReadOnlyDictionary<int, CodeEvidence>[]? Evidence)> InferShortlisted(IReadOnlyList<NoteBatch> groups, int evidencePerCode,
        Func<int, int, float[], IReadOnlyList<int>>? explain, bool stateful, int shortlist)
    {
        if (groups.Any(g => g.Count != 1))
        {
            throw new ArgumentException("shortlisted inference takes one note per decoder group", nameof(groups));
        }

        var kept = groups.Select(_ => new List<(Tensor H, int Start)>()).ToList();
        var cheap = groups.Select(g => new ShortlistScores(decoder, g, encoder.EmbeddingSize)).ToList();
        var results = new List<(Tensor, IReadOnlyDictionary<int, CodeEvidence>[]?)>();
        try
        {
            EncodeGroups(groups, stateful, shortlist, (g, h, start) =>
            {
                cheap[g].Add(h, start);
                kept[g].Add((h.detach().DetachFromDisposeScope(), start));
            });
            for (int g = 0; g < groups.Count; g++)
            {
                using var scope = NewDisposeScope();
                Tensor scores;
                int[] codes;
                using (StageTimes.Time("shortlist"))
                {
                    scores = cheap[g].Scores()[0];                                                 // [codes]
                    codes = [.. scores.topk(shortlist).indexes.data<long>().Select(c => (int)c).Order()];
                }

                using var pass = new DecoderPass(decoder, groups[g], encoder.EmbeddingSize, codes) { KeepsSpansForEvidence = evidencePerCode > 0 };
                foreach (var (h, start) in kept[g])
                {
                    pass.Add(h, start, differentiable: false);
                }

                var exact = pass.Logits()[0];                                                        // [shortlist]
                var index = tensor(codes.Select(c => (long)c).ToArray(), device: scores.device);
                var outside = scores.index_fill(0, index, HeldScalars.NegativeInfinity).max();
                var logits = scores.Plus(exact.min().Minus(outside).Minus(HeldScalars.One)).index_copy(0, index, exact).unsqueeze(0);
                IReadOnlyDictionary<int, CodeEvidence>[]? evidence = null;
                if (evidencePerCode > 0)
                {
                    float[] row = logits[0].cpu().data<float>().ToArray();
                    evidence = pass.Evidence(evidencePerCode, [explain?.Invoke(g, 0, row) ?? codes]);
                }

                results.Add((logits.MoveToOuterDisposeScope(), evidence));
            }

            return results;
        }
        catch
        {
            results.ForEach(r => r.Item1.Dispose());
            throw;
        }
        finally
        {
            cheap.ForEach(c => c.Dispose());
            kept.SelectMany(k => k).ToList().ForEach(k => k.H.Dispose());
        }
    }

    /// <summary>
    /// Reads the groups' notes with one encoder, span by span, and hands each group's rows of every span to
    /// <paramref name="add"/> (group, features [rows, span, features], start). Spans are sized so that a decoder map over
    /// <paramref name="decoderCodes"/> codes stays within <see cref="DecoderPass.MapBudget"/>.
    /// </summary>
    private void EncodeGroups(IReadOnlyList<NoteBatch> groups, bool stateful, long decoderCodes, Action<int, Tensor, int> add)
    {
        int rows = groups.Sum(g => g.Count), length = groups.Max(g => g.Length), bptt = Config.Bptt;
        var tokens = groups.Count == 1 ? groups[0].Tokens
            : cat([.. groups.Select(g => g.Length == length ? g.Tokens : nn.functional.pad(g.Tokens, [0, length - g.Length], value: Text.Vocabulary.PadId))], 0);
        // The decoder's spans are sized by its groups' maps; the encoder reads each span in pieces that keep its gates
        // ([rows, piece, 4 x hidden]) within the same budget.
        int span = Math.Min(MaxSpanTokens ?? int.MaxValue, groups.Min(g => DecoderPass.SpanTokens(g.Count, decoderCodes, bptt)));
        span = Math.Max(bptt, span / bptt * bptt);
        int piece = Math.Min(span, EncoderSpanTokens(rows));
        encoder.Reset(rows, DropoutSet.None);
        var run = new ClassifierRun(stateful, EncoderFrozen: true, int.MaxValue);
        try
        {
            for (int start = 0, spansRead = 0; start < length; spansRead++)
            {
                int end = Math.Min(start + span, length);
                using var scope = NewDisposeScope();
                Tensor h;
                using (StageTimes.Time("encoder"))
                {
                    var pieces = new List<Tensor>();
                    for (int at = start; at < end; at += piece)
                    {
                        pieces.Add(Encode(tokens, at, Math.Min(at + piece, end), run, differentiate: false));
                    }

                    h = pieces.Count == 1 ? pieces[0] : cat(pieces, 1);
                }

                int row = 0;
                for (int g = 0; g < groups.Count; row += groups[g].Count, g++)
                {
                    if (start < groups[g].Length)
                    {
                        add(g, h.narrow(0, row, groups[g].Count).narrow(1, 0, Math.Min(end, groups[g].Length) - start), start);
                    }
                }

                start = end;
                if (spansRead % 8 == 7)
                {
                    Runtime.TorchRuntime.ReleaseFreedMemory();
                }
            }

        }
        finally
        {
            encoder.ClearState();
            if (!ReferenceEquals(tokens, groups[0].Tokens))
            {
                tokens.Dispose();
            }
        }
    }

    /// <summary>Encoder features [rows, end - start, features] of tokens [start, end), the state carried in from the span before.</summary>
    private Tensor Encode(Tensor tokens, int start, int end, ClassifierRun run, bool differentiate)
    {
        using var constant = differentiate && !run.EncoderFrozen ? null : no_grad();
        if (run.Stateful)
        {
            // The same computation as BPTT chunk by chunk with the state carried (and, training, the same gradient: the
            // state is never cut inside a span), in one call.
            return encoder.forward(tokens.narrow(1, start, end - start));
        }

        var pieces = new List<Tensor>();
        for (int at = start; at < end; at += Config.Bptt)
        {
            if (!run.Stateful)
            {
                encoder.ClearState();
            }

            pieces.Add(encoder.forward(tokens.narrow(1, at, Math.Min(Config.Bptt, end - at))));
        }

        return pieces.Count == 1 ? pieces[0] : cat(pieces, 1);
    }
}
