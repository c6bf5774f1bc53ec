using PlantFunctions.Model.Runtime;
using static TorchSharp.torch;

namespace PlantFunctions.Model.Networks;

/// <summary>
/// The PLANT decoder run over the chunks of one batch of notes, exactly equal to attention over each whole note.
/// Learned attention A (and P without inattention) use an online softmax: running maximum, running denominator and
/// running weighted sum of features, rescaled when the maximum grows. S is linear, so it is a running sum. P with
/// inattention needs each code's k-th largest ranker score over the whole note: pass 1 keeps a running top-k of
/// scores per code; pass 2 (<see cref="Logits"/>) replays the stored chunk features once the threshold is known.
/// Memory per batch: the accumulators (codes x features) plus the chunk features (features per token, only when P
/// uses inattention) -- never a tokens x codes map beyond one chunk.
/// </summary>
public sealed class DecoderPass : IDisposable
{
    private const float VeryNegative = -1e30f;
    private readonly PlantDecoder decoder;
    private readonly long rows;
    private readonly long codes;
    private readonly List<Chunk> chunks = [];
    private Tensor aMax, aDen, aNum;
    private Tensor? sNum, sMass;
    private Tensor? pMax, pDen, pNum, pTop;

    /// <summary>Starts a pass for <paramref name="batchSize"/> notes with <paramref name="features"/>-wide encoder outputs.</summary>
    public DecoderPass(PlantDecoder decoder, long batchSize, long features, Device device)
    {
        this.decoder = decoder;
        rows = batchSize;
        codes = decoder.Codes;
        aMax = Keep(full([rows, codes], VeryNegative, device: device));
        aDen = Keep(zeros([rows, codes], device: device));
        aNum = Keep(zeros([rows, codes, features], device: device));
        if (decoder.Switches.Static)
        {
            sNum = Keep(zeros([rows, codes, features], device: device));
            sMass = Keep(zeros([rows, codes], device: device));
        }

        if (decoder.Switches.Planted && decoder.Switches.Inattention)
        {
            pTop = Keep(full([rows, (long)decoder.Switches.InattentionK, codes], float.NegativeInfinity, device: device));
        }
        else if (decoder.Switches.Planted)
        {
            pMax = Keep(full([rows, codes], VeryNegative, device: device));
            pDen = Keep(zeros([rows, codes], device: device));
            pNum = Keep(zeros([rows, codes, features], device: device));
        }
    }

    /// <summary>
    /// Adds one chunk: encoder features h [batch, c, features], token ids [batch, c], validity [batch, c], the chunk's
    /// start offset and its static entries. Whether gradients flow is decided by the caller's grad mode.
    /// </summary>
    public void Add(Tensor h, Tensor tokens, Tensor valid, int start, (Tensor ChunkIndex, Tensor CodeIndex, Tensor Weight)? staticChunk)
    {
        using var scope = NewDisposeScope();
        var invalid = valid.logical_not().unsqueeze(-1);                                   // [B, c, 1]
        using (StageTimes.Time("decoder A"))
        {
            var scores = h.matmul(decoder.LabelAttention.t()).masked_fill(invalid, float.NegativeInfinity);
            (aMax, aDen, aNum) = OnlineSoftmax(aMax, aDen, aNum, scores, h);
        }

        using var timeRest = StageTimes.Time("decoder S + P pass 1");
        if (sNum is not null && staticChunk is var (chunkIndex, codeIndex, weight))
        {
            long features = h.shape[2];
            var source = h.reshape(-1, features).index_select(0, chunkIndex) * weight.unsqueeze(1);
            Replace(ref sNum, sNum.reshape(-1, features).index_add(0, codeIndex, source, 1).reshape(rows, codes, features));
            Replace(ref sMass, sMass!.reshape(-1).index_add(0, codeIndex, weight, 1).reshape(rows, codes));
        }

        if (pTop is not null)
        {
            using (no_grad())
            {
                var ranked = RankerScores(tokens, invalid);
                Replace(ref pTop, cat([pTop, ranked], 1).topk(decoder.Switches.InattentionK, dim: 1).Item1);
            }
        }
        else if (pNum is not null)
        {
            (pMax, pDen, pNum) = OnlineSoftmax(pMax!, pDen!, pNum, RankerScores(tokens, invalid), h);
        }

        if (pTop is not null || KeepsChunksForEvidence)
        {
            chunks.Add(new Chunk(Keep(h), Keep(tokens), Keep(valid), start, staticChunk is var (ci, co, w) ? (Keep(ci), Keep(co), Keep(w)) : null,
                is_grad_enabled()));
        }
    }

    /// <summary>Keep chunk features for <see cref="Evidence"/> even when P does not need them (inference).</summary>
    public bool KeepsChunksForEvidence { get; init; }

    /// <summary>The logits [batch, codes] (paper eq. 7-8, plus our static-mass term when it is on).</summary>
    public Tensor Logits()
    {
        using var time = StageTimes.Time("decoder P pass 2 + logits");
        using var scope = NewDisposeScope();
        var total = aNum / aDen.clamp_min(1e-30).unsqueeze(-1);
        if (sNum is not null)
        {
            total = total + sNum;
        }

        var planted = PlantedTerm();
        if (planted is not null)
        {
            total = total + planted;
        }

        var logits = (total * decoder.Boost).sum(-1) + decoder.Bias;
        if (sMass is not null && decoder.Switches.StaticMassTerm)
        {
            logits = logits + (decoder.StaticScale * sMass);
        }

        return logits.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Inference: per note and code, the <paramref name="perCode"/> positions with the largest combined attention
    /// weight A + S + P, and those weights ([batch, perCode, codes] each). Needs the chunks kept.
    /// </summary>
    public (Tensor Positions, Tensor Weights) Evidence(int perCode)
    {
        if (chunks.Count == 0)
        {
            throw new InvalidOperationException("evidence needs the chunk features: create the pass with KeepsChunksForEvidence");
        }

        using var time = StageTimes.Time("evidence");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var device = aDen.device;
        var topWeights = full([rows, (long)perCode, codes], -1f, device: device).DetachFromDisposeScope();
        var topPositions = zeros([rows, (long)perCode, codes], ScalarType.Int64, device: device).DetachFromDisposeScope();
        var (threshold, pShift) = PlantedThreshold();
        Tensor? pTotal = null;
        if (pTop is not null)
        {
            // The same denominator as the logits' P term: every token at or above the threshold, repeats included.
            pTotal = zeros([rows, codes], device: device);
            foreach (var chunk in chunks)
            {
                using var chunkScope = NewDisposeScope();
                var total = pTotal + PlantedWeights(chunk.Tokens, chunk.Valid.logical_not().unsqueeze(-1), threshold!, pShift!).sum(1);
                pTotal.Dispose();
                pTotal = total.MoveToOuterDisposeScope();
            }
        }

        foreach (var chunk in chunks)
        {
            using var chunkScope = NewDisposeScope();
            long c = chunk.H.shape[1];
            var invalid = chunk.Valid.logical_not().unsqueeze(-1);
            var weights = exp(chunk.H.matmul(decoder.LabelAttention.t()).masked_fill(invalid, float.NegativeInfinity) - aMax.unsqueeze(1))
                          / aDen.clamp_min(1e-30).unsqueeze(1);
            if (sNum is not null && chunk.Static is var (chunkIndex, codeIndex, weight))
            {
                var flat = (chunkIndex * codes) + codeIndex.remainder(codes);
                weights = weights + zeros(rows * c * codes, device: device).index_add(0, flat, weight, 1).reshape(rows, c, codes);
            }

            if (pTop is not null)
            {
                weights = weights + PlantedWeights(chunk.Tokens, invalid, threshold!, pShift!) / pTotal!.clamp_min(1e-30).unsqueeze(1);
            }
            else if (pNum is not null)
            {
                weights = weights + (exp(RankerScores(chunk.Tokens, invalid) - pMax!.unsqueeze(1)) / pDen!.clamp_min(1e-30).unsqueeze(1));
            }

            var positions = arange(chunk.Start, chunk.Start + c, dtype: ScalarType.Int64, device: device).view(1, c, 1).expand(rows, c, codes);
            var (values, picked) = cat([topWeights, weights], 1).topk(perCode, dim: 1);
            var newPositions = cat([topPositions, positions], 1).gather(1, picked);
            topWeights.Dispose();
            topPositions.Dispose();
            topWeights = values.DetachFromDisposeScope();
            topPositions = newPositions.DetachFromDisposeScope();
        }

        // Hand the results to the caller's scope (the one around this call).
        scope.Attach(topPositions);
        scope.Attach(topWeights);
        pTotal?.Dispose();
        return (topPositions.MoveToOuterDisposeScope(), topWeights.MoveToOuterDisposeScope());
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var t in new[] { aMax, aDen, aNum, sNum, sMass, pMax, pDen, pNum, pTop })
        {
            t?.Dispose();
        }

        foreach (var chunk in chunks)
        {
            chunk.Dispose();
        }

        chunks.Clear();
    }

    private Tensor? PlantedTerm()
    {
        if (pNum is not null)
        {
            return pNum / pDen!.clamp_min(1e-30).unsqueeze(-1);
        }

        if (pTop is null)
        {
            return null;
        }

        var (threshold, shift) = PlantedThreshold();
        Tensor? numerator = null, denominator = null;
        foreach (var chunk in chunks)
        {
            // One scope per chunk: only the running sums survive it (and, inside the gradient window, what autograd keeps).
            using var scope = NewDisposeScope();
            using var constant = chunk.Differentiable ? null : no_grad();
            var weights = PlantedWeights(chunk.Tokens, chunk.Valid.logical_not().unsqueeze(-1), threshold!, shift!);   // [B, c, L]
            var n = weights.transpose(1, 2).bmm(chunk.H);
            var d = weights.sum(1);
            var newNumerator = numerator is null ? n : numerator + n;
            var newDenominator = denominator is null ? d : denominator + d;
            numerator?.Dispose();
            denominator?.Dispose();
            numerator = Keep(newNumerator);
            denominator = Keep(newDenominator);
        }

        if (numerator is null)
        {
            return null;
        }

        var term = numerator / denominator!.clamp_min(1e-30).unsqueeze(-1);
        numerator.Dispose();
        denominator!.Dispose();
        return term;
    }

    /// <summary>The k-th largest ranker score per code over the note (the inattention threshold) and the largest (a shift).</summary>
    private (Tensor? Threshold, Tensor? Shift) PlantedThreshold()
    {
        if (pTop is null)
        {
            return (null, null);
        }

        var threshold = pTop.select(1, decoder.Switches.InattentionK - 1);
        var top = pTop.select(1, 0);
        return (threshold, where(top.isfinite(), top, zeros_like(top)));
    }

    /// <summary>
    /// Unnormalised inattention weights of a chunk: exp(score - shift) for tokens scoring at least the code's k-th
    /// largest score over the note (ties at the boundary included), 0 elsewhere.
    /// </summary>
    private Tensor PlantedWeights(Tensor tokens, Tensor invalid, Tensor threshold, Tensor shift)
    {
        var scores = RankerScores(tokens, invalid);
        var kept = (scores.detach() >= threshold.unsqueeze(1)) & invalid.logical_not();
        return exp((scores - shift.unsqueeze(1)).masked_fill(kept.logical_not(), float.NegativeInfinity));
    }

    private Tensor RankerScores(Tensor tokens, Tensor invalid) =>
        decoder.Ranker.ScoreAllCodes(tokens.reshape(-1)).reshape(tokens.shape[0], tokens.shape[1], codes)
            .masked_fill(invalid, float.NegativeInfinity);

    /// <summary>One online-softmax step: rescale the running sums to the new maximum and add the chunk.</summary>
    private static (Tensor Max, Tensor Den, Tensor Num) OnlineSoftmax(Tensor max, Tensor den, Tensor num, Tensor scores, Tensor h)
    {
        var newMax = maximum(max, scores.detach().amax([1]));
        var factor = exp(max - newMax);
        var p = exp(scores - newMax.unsqueeze(1));                                     // [B, c, L]
        var newDen = (den * factor) + p.sum(1);
        var newNum = (num * factor.unsqueeze(-1)) + p.transpose(1, 2).bmm(h);          // [B, L, features]
        max.Dispose();
        den.Dispose();
        num.Dispose();
        return (Keep(newMax), Keep(newDen), Keep(newNum));
    }

    private static void Replace(ref Tensor? field, Tensor value)
    {
        field?.Dispose();
        field = Keep(value);
    }

    private static Tensor Keep(Tensor t) => t.DetachFromDisposeScope();

    private sealed record Chunk(Tensor H, Tensor Tokens, Tensor Valid, int Start, (Tensor ChunkIndex, Tensor CodeIndex, Tensor Weight)? Static,
        bool Differentiable) : IDisposable
    {
        public void Dispose()
        {
            H.Dispose();
            Tokens.Dispose();
            Valid.Dispose();
            if (Static is var (a, b, c))
            {
                a.Dispose();
                b.Dispose();
                c.Dispose();
            }
        }
    }
}
