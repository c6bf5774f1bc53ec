using PlantFunctions.Model.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace PlantFunctions.Model.Networks;

/// <summary>The positions of a note with the most attention for one code (A + S + P), most first, and those weights.</summary>
public sealed record CodeEvidence(int[] Positions, float[] Weights);

/// <summary>
/// The PLANT decoder run over the spans of one batch of notes, exactly equal to attention over each whole note.
/// <para>
/// Learned attention A uses an online softmax over spans (running maximum, denominator and weighted sum of features,
/// rescaled when the maximum grows); a note that fits one span takes one exact pass. S and P weigh a position by its
/// token alone (S by the token's MI, P by the ranker's score of the token), so both are computed once per note on the
/// features summed per distinct token (<see cref="NoteBatch.FlatSlots"/>): P's inattention threshold (the k-th largest
/// score over the note's positions, repeats counted) comes from the distinct tokens' scores and counts, with no second
/// pass over the note. Memory per batch: the accumulators (codes x features per note), the slot sums (distinct tokens x
/// features), one span's token x code maps and, for P, one block of distinct tokens x codes.
/// </para>
/// </summary>
public sealed class DecoderPass : IDisposable
{
    /// <summary>Floats in one token x code (or distinct token x code) map the pass may hold: spans and code blocks are sized by it.</summary>
    public const long MapBudget = 32L << 20;

    private readonly PlantDecoder decoder;
    private readonly NoteBatch batch;
    private readonly long rows;
    private readonly long codes;
    private readonly long features;
    private readonly List<(Tensor H, int Start)> spans = [];

    /// <summary>The decoder's attention queries for this pass, built once (with category sharing, a sum; else U itself; a pass over some codes, their rows).</summary>
    private readonly Tensor queries;
    private readonly bool ownsQueries;

    /// <summary>A pass over some of the decoder's codes: their ids [codes] (the pass's code j is the decoder's subset[j]), and each id's index here.</summary>
    private readonly Tensor? subset;
    private readonly Dictionary<int, int>? localOf;
    private Tensor aMax, aDen, aNum;

    /// <summary>With the assertion term: A's running (unnormalised) weight on each non-affirmed category [batch, codes, categories].</summary>
    private Tensor? aAsserted;
    private Tensor? slotSums;
    private Tensor? pThreshold, pShift, pTotal;

    /// <summary>
    /// Starts a pass over <paramref name="batch"/> with <paramref name="features"/>-wide encoder outputs, over every code of
    /// the decoder or, with <paramref name="codeSubset"/> (distinct code ids), over those alone: the logits' column j is
    /// code codeSubset[j], each exactly as in a pass over every code.
    /// </summary>
    public DecoderPass(PlantDecoder decoder, NoteBatch batch, long features, IReadOnlyList<int>? codeSubset = null)
    {
        this.decoder = decoder;
        this.batch = batch;
        this.features = features;
        rows = batch.Count;
        var device = batch.Device;
        if (codeSubset is not null)
        {
            localOf = codeSubset.Select((c, j) => (c, j)).ToDictionary(x => x.c, x => x.j);
            if (localOf.Count != codeSubset.Count || codeSubset.Any(c => c < 0 || c >= decoder.Codes))
            {
                throw new ArgumentException($"a code subset needs distinct codes in [0, {decoder.Codes})", nameof(codeSubset));
            }

            subset = Keep(tensor(codeSubset.Select(c => (long)c).ToArray(), device: device));
        }

        codes = codeSubset?.Count ?? decoder.Codes;
        ownsQueries = decoder.CategoryAttention is not null || subset is not null;
        queries = !ownsQueries ? decoder.LabelAttention : Keep(Of(decoder.AttentionQueries()));
        aMax = Keep(full([rows, codes], HeldScalars.VeryNegative, device: device));
        aDen = Keep(zeros([rows, codes], device: device));
        aNum = Keep(zeros([rows, codes, features], device: device));
        if (decoder.Switches.Static || decoder.Switches.Planted)
        {
            slotSums = Keep(zeros([rows * (batch.Slots + 1), features], device: device));
        }

        if (decoder.Switches.AssertionTerm)
        {
            if (batch.AssertionMask is null)
            {
                throw new ArgumentException("the decoder has the assertion term: the batch needs its notes' assertion tags (encode the notes with tagging)", nameof(batch));
            }

            aAsserted = Keep(zeros([rows, codes, NoteBatch.AssertionCategories.Count], device: device));
        }
    }

    /// <summary>Keep the spans' features for <see cref="Evidence"/> (inference).</summary>
    public bool KeepsSpansForEvidence { get; init; }

    /// <summary>
    /// The tokens per span for a batch: as many BPTT chunks as keep one [batch, span, codes] map within
    /// <see cref="MapBudget"/>, at least one chunk.
    /// </summary>
    public static int SpanTokens(long batchSize, long codes, int bptt) =>
        (int)Math.Max(bptt, MapBudget / Math.Max(1, batchSize * codes) / bptt * bptt);

    /// <summary>
    /// Adds the span of encoder features h [batch, s, features] starting at token <paramref name="start"/>. Spans come in
    /// order and cover the batch. A span that is not <paramref name="differentiable"/> counts as a constant: its
    /// contribution is computed without gradients and added to the running sums under the caller's grad mode, so the
    /// gradients of earlier spans still flow.
    /// </summary>
    public void Add(Tensor h, int start, bool differentiable = true)
    {
        using var scope = NewDisposeScope();
        long length = h.shape[1];
        using (StageTimes.Time("decoder A"))
        {
            Tensor newMax, denominator, numerator;
            Tensor? asserted = null;
            using (differentiable ? null : no_grad())
            {
                var scores = h.matmul(queries.t());                                              // [B, s, L]
                bool inPlace = !is_grad_enabled();
                if (!batch.AllValid(start, (int)length))
                {
                    var invalid = batch.Valid.narrow(1, start, length).logical_not().unsqueeze(-1); // [B, s, 1]
                    scores = inPlace ? scores.masked_fill_(invalid, HeldScalars.NegativeInfinity) : scores.masked_fill(invalid, HeldScalars.NegativeInfinity);
                }

                newMax = maximum(aMax, scores.detach().amax([1]));
                var p = inPlace ? scores.MinusInPlace(newMax.unsqueeze(1)).exp_() : exp(scores.Minus(newMax.unsqueeze(1)));
                denominator = p.sum(1);
                numerator = p.transpose(1, 2).bmm(h);                                            // [B, L, features]
                if (aAsserted is not null)
                {
                    asserted = p.transpose(1, 2).bmm(batch.AssertionMask!.narrow(1, start, length)); // [B, L, categories]
                }
            }

            var factor = exp(aMax.Minus(newMax));
            var den = (aDen * factor).Plus(denominator);
            var num = (aNum * factor.unsqueeze(-1)).Plus(numerator);
            Set(ref aMax, newMax);
            Set(ref aDen, den);
            Set(ref aNum, num);
            if (asserted is not null)
            {
                Replace(ref aAsserted, (aAsserted! * factor.unsqueeze(-1)).Plus(asserted));
            }
        }

        if (slotSums is not null)
        {
            using (StageTimes.Time("decoder S + P"))
            {
                var slots = batch.FlatSlots.narrow(1, start, length).reshape(-1);
                Replace(ref slotSums, slotSums.index_add(0, slots, h.reshape(-1, features), HeldScalars.One));
            }
        }

        if (KeepsSpansForEvidence)
        {
            spans.Add((Keep(h.detach()), start));
        }
    }

    /// <summary>The logits [batch, codes] (paper eq. 7-8, plus our static-mass term when it is on).</summary>
    public Tensor Logits()
    {
        using var time = StageTimes.Time("decoder S + P");
        using var scope = NewDisposeScope();
        var aTotal = aDen.clamp_min(HeldScalars.Tiny).unsqueeze(-1);
        var total = aNum / aTotal;
        int categories = NoteBatch.AssertionCategories.Count;
        Tensor? staticMass = null;
        var asserted = aAsserted is null ? null : aAsserted / aTotal;                          // [B, L, categories]
        if (decoder.Switches.Static && batch.StaticSlots((int)codes, localOf is null ? null : c => localOf.GetValueOrDefault(c, -1)) is var (slotIndex, codeIndex, weight))
        {
            var source = slotSums!.index_select(0, slotIndex) * weight.unsqueeze(1);
            total = total + zeros([rows * codes, features], device: batch.Device).index_add(0, codeIndex, source, HeldScalars.One).reshape(rows, codes, features);
            var occurrences = cat([batch.DistinctCounts, zeros([rows, 1], device: batch.Device)], 1).reshape(-1).index_select(0, slotIndex);
            staticMass = zeros(rows * codes, device: batch.Device).index_add(0, codeIndex, weight * occurrences, HeldScalars.One).reshape(rows, codes);
            if (asserted is not null)
            {
                var perCategory = batch.SlotAssertions!.reshape(-1, categories).index_select(0, slotIndex) * weight.unsqueeze(1);
                asserted = asserted + zeros([rows * codes, categories], device: batch.Device).index_add(0, codeIndex, perCategory, HeldScalars.One).reshape(rows, codes, categories);
            }
        }

        if (decoder.Switches.Planted)
        {
            var (term, plantedAsserted) = PlantedTerm(asserted is not null);
            total = total.Plus(term);
            asserted = plantedAsserted is null ? asserted : asserted!.Plus(plantedAsserted);
        }

        var logits = (total * Of(decoder.OutputWeights())).sum(-1).Plus(Of(decoder.Bias));
        if (staticMass is not null && decoder.Switches.StaticMassTerm)
        {
            logits = logits + (Of(decoder.StaticScale) * staticMass);
        }

        if (asserted is not null)
        {
            // Each category's share of the code's whole attention weight A + S + P (A and P each sum to 1 over the note, S
            // to its static mass), times the category's learnt weight.
            var weightTotal = (staticMass ?? zeros([rows, codes], device: batch.Device)).Plus(HeldScalars.Of(decoder.Switches.Planted ? 2 : 1));
            logits = logits + (asserted / weightTotal.unsqueeze(-1)).matmul(decoder.AssertionWeights!);
        }

        return logits.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Inference, after <see cref="Logits"/>: per note, for each code in <paramref name="codesPerRow"/>, the
    /// <paramref name="perCode"/> positions with the largest combined attention weight A + S + P and those weights.
    /// Needs the spans kept (<see cref="KeepsSpansForEvidence"/>).
    /// </summary>
    public IReadOnlyDictionary<int, CodeEvidence>[] Evidence(int perCode, IReadOnlyList<IReadOnlyList<int>> codesPerRow)
    {
        if (spans.Count == 0)
        {
            throw new InvalidOperationException("evidence needs the span features: create the pass with KeepsSpansForEvidence");
        }

        if (decoder.Switches.Planted && pThreshold is null)
        {
            throw new InvalidOperationException("evidence needs P's threshold and denominator: compute the logits first");
        }

        using var time = StageTimes.Time("evidence");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var result = new IReadOnlyDictionary<int, CodeEvidence>[rows];
        for (int row = 0; row < rows; row++)
        {
            using var rowScope = NewDisposeScope();
            // Codes outside a subset pass have no attention here and get no evidence.
            var wanted = codesPerRow[row].Distinct().Where(c => localOf is null || localOf.ContainsKey(c)).ToArray();
            var evidence = new Dictionary<int, CodeEvidence>();
            result[row] = evidence;
            if (wanted.Length == 0)
            {
                continue;
            }

            var codeIds = tensor(wanted.Select(c => (long)c).ToArray(), device: batch.Device);
            var local = localOf is null ? codeIds : tensor(wanted.Select(c => (long)localOf[c]).ToArray(), device: batch.Device);
            var perSlot = SlotWeights(row, wanted, codeIds, local);                            // [Slots + 1, n] or null
            var u = queries.index_select(0, local);
            var max = aMax[row].index_select(0, local);
            var den = aDen[row].index_select(0, local).clamp_min(HeldScalars.Tiny);
            var pieces = new List<Tensor>();
            foreach (var (h, start) in spans)
            {
                long length = h.shape[1];
                var valid = batch.Valid[row].narrow(0, start, length).unsqueeze(-1);          // [s, 1]
                var weights = exp(h[row].matmul(u.t()).Minus(max)) / den;                            // [s, n]
                if (perSlot is not null)
                {
                    // A value of its own per row and batch: a Scalar held to the end of this block, not cached for the process.
                    using var slotBase = (row * (batch.Slots + 1L)).ToScalar();
                    weights = weights + perSlot.index_select(0, batch.FlatSlots[row].narrow(0, start, length) - slotBase);
                }

                pieces.Add(weights.masked_fill(valid.logical_not(), HeldScalars.MinusOne));
            }

            var all = cat(pieces, 0);                                                          // [T, n]
            var (values, positions) = all.topk((int)Math.Min(perCode, all.shape[0]), dim: 0);
            var v = values.cpu().data<float>().ToArray();
            var p = positions.cpu().data<long>().ToArray();
            for (int j = 0; j < wanted.Length; j++)
            {
                int k = (int)values.shape[0];
                evidence[wanted[j]] = new CodeEvidence(
                    [.. Enumerable.Range(0, k).Select(e => (int)p[(e * wanted.Length) + j])],
                    [.. Enumerable.Range(0, k).Select(e => v[(e * wanted.Length) + j])]);
            }
        }

        return result;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var t in new[] { aMax, aDen, aNum, aAsserted, slotSums, pThreshold, pShift, pTotal, subset })
        {
            t?.Dispose();
        }

        foreach (var (h, _) in spans)
        {
            h.Dispose();
        }

        spans.Clear();
        if (ownsQueries)
        {
            queries.Dispose();
        }
    }

    /// <summary>
    /// P^T H [batch, codes, features] from the slot sums, in blocks of codes that keep [batch, slots, block] within the
    /// budget. Per code: scores of the distinct tokens, the threshold (k-th largest score counting repeats; all tokens
    /// when the note has fewer than k valid positions), weights exp(score - max) on the kept tokens, normalised by the
    /// sum over kept positions. Keeps the threshold, the shift and the denominator for <see cref="Evidence"/>. With
    /// <paramref name="assertions"/>, also P's weight on each non-affirmed category [batch, codes, categories].
    /// </summary>
    private (Tensor Term, Tensor? Asserted) PlantedTerm(bool assertions)
    {
        long slots = batch.Slots;
        var sums = slotSums!.view(rows, slots + 1, features).narrow(1, 0, slots);               // [B, V, F]
        var counts = batch.DistinctCounts;                                                     // [B, V]
        var absent = (counts <= HeldScalars.Of(0)).unsqueeze(-1);                                              // [B, V, 1]
        long block = Math.Max(1, MapBudget / Math.Max(1, rows * slots));
        var terms = new List<Tensor>();
        var thresholds = new List<Tensor>();
        var shifts = new List<Tensor>();
        var totals = new List<Tensor>();
        var asserted = new List<Tensor>();
        var slotAssertions = assertions ? batch.SlotAssertions!.narrow(1, 0, slots) : null;     // [B, V, categories]
        for (long first = 0; first < codes; first += block)
        {
            long width = Math.Min(block, codes - first);
            var codeIds = subset?.narrow(0, first, width) ?? arange(first, first + width, dtype: ScalarType.Int64, device: batch.Device);
            bool inPlace = !is_grad_enabled();
            Tensor scores, fixedScores, threshold, shift;
            using (StageTimes.Time("S + P: of which P scores"))
            {
                var raw = decoder.Ranker.forward(batch.DistinctTokens.reshape(-1), codeIds).reshape(rows, slots, width);
                scores = inPlace ? raw.masked_fill_(absent, HeldScalars.NegativeInfinity) : raw.masked_fill(absent, HeldScalars.NegativeInfinity); // [B, V, w]
                fixedScores = scores.detach();
            }

            using (StageTimes.Time("S + P: of which P threshold"))
            {
                (threshold, shift) = Threshold(fixedScores, counts);
            }

            using var weightsTime = StageTimes.Time("S + P: of which P weights");
            Tensor weights;
            if (PaperForm)
            {
                // The paper's A.5: present tokens at or below the k-th score take 0, so they keep exp(0 - shift); the
                // shift covers that 0.
                var zeroed = (fixedScores <= threshold.unsqueeze(1)).logical_and(absent.logical_not());
                shift = shift.clamp_min(HeldScalars.Zero);
                weights = exp(scores.masked_fill(zeroed, HeldScalars.Zero).Minus(shift.unsqueeze(1)));
            }
            else
            {
                // Absent slots score -inf, so they weigh exp(-inf) = 0 whatever the threshold.
                var dropped = fixedScores < threshold.unsqueeze(1);
                weights = inPlace
                    ? scores.masked_fill_(dropped, HeldScalars.NegativeInfinity).MinusInPlace(shift.unsqueeze(1)).exp_()
                    : exp(scores.Minus(shift.unsqueeze(1)).masked_fill(dropped, HeldScalars.NegativeInfinity));
            }

            var total = counts.unsqueeze(1).bmm(weights).squeeze(1);                           // [B, w]
            terms.Add(weights.transpose(1, 2).bmm(sums) / total.clamp_min(HeldScalars.Tiny).unsqueeze(-1));
            if (slotAssertions is not null)
            {
                asserted.Add(weights.transpose(1, 2).bmm(slotAssertions) / total.clamp_min(HeldScalars.Tiny).unsqueeze(-1));
            }

            thresholds.Add(threshold);
            shifts.Add(shift);
            totals.Add(total.detach());
        }

        Replace(ref pThreshold, cat(thresholds, 1));
        Replace(ref pShift, cat(shifts, 1));
        Replace(ref pTotal, cat(totals, 1));
        return (terms.Count == 1 ? terms[0] : cat(terms, 1), asserted.Count == 0 ? null : asserted.Count == 1 ? asserted[0] : cat(asserted, 1));
    }

    /// <summary>
    /// Per code, the inattention threshold over scores [B, V, w] of distinct tokens with their counts [B, V]: the k-th
    /// largest score over the note's positions, repeats counted (-inf, keeping every token, when the note has fewer than k
    /// positions; -inf always without inattention), and the largest score as the softmax's shift; both [B, w].
    /// </summary>
    private (Tensor Threshold, Tensor Shift) Threshold(Tensor scores, Tensor counts)
    {
        long slots = scores.shape[1], width = scores.shape[2];
        if (!decoder.Switches.Inattention)
        {
            return (full([rows, width], HeldScalars.NegativeInfinity, device: batch.Device), scores.amax([1]));
        }

        int k = decoder.Switches.InattentionK;
        var (top, picked) = scores.topk((int)Math.Min(k, slots), dim: 1);                     // [B, k', w]
        var reached = counts.unsqueeze(-1).expand(rows, slots, width).gather(1, picked).cumsum(1) >= HeldScalars.Of(k);
        var kth = top.gather(1, reached.to(ScalarType.Int32).argmax(1, keepdim: true)).squeeze(1);
        return (where(reached.any(1), kth, full_like(kth, HeldScalars.NegativeInfinity)), top.select(1, 0));
    }

    /// <summary>Whether P's inattention takes the paper's form (<see cref="DecoderSwitches.PaperInattention"/>).</summary>
    private bool PaperForm => decoder.Switches.Inattention && decoder.Switches.PaperInattention;

    /// <summary>
    /// Row <paramref name="row"/>'s S + P weight of one occurrence of each slot's token for the given codes [Slots + 1, n]
    /// (the decoder's ids <paramref name="codeIds"/>, this pass's <paramref name="local"/>); null without S and P.
    /// </summary>
    private Tensor? SlotWeights(int row, int[] wanted, Tensor codeIds, Tensor local)
    {
        Tensor? perSlot = null;
        long slots = batch.Slots;
        if (decoder.Switches.Static)
        {
            var column = wanted.Select((c, j) => (c, j)).ToDictionary(x => x.c, x => x.j);
            var dense = new float[(slots + 1) * wanted.Length];
            foreach (var (slot, code, weight) in batch.StaticEntriesOf(row))
            {
                if (column.TryGetValue(code, out int j))
                {
                    dense[(slot * wanted.Length) + j] += weight;
                }
            }

            perSlot = tensor(dense, [slots + 1, wanted.Length], device: batch.Device);
        }

        if (decoder.Switches.Planted)
        {
            var scores = decoder.Ranker.forward(batch.DistinctTokens[row], codeIds);           // [V, n]
            var present = (batch.DistinctCounts[row] > HeldScalars.Of(0)).unsqueeze(-1);
            var threshold = pThreshold![row].index_select(0, local);
            var shift = pShift![row].index_select(0, local);
            Tensor weights;
            if (PaperForm)
            {
                var zeroed = (scores <= threshold) & present;
                weights = exp(scores.masked_fill(zeroed, HeldScalars.Zero).Minus(shift)).masked_fill(present.logical_not(), HeldScalars.Zero);
            }
            else
            {
                var kept = (scores >= threshold) & present;
                weights = exp(scores.Minus(shift)).masked_fill(kept.logical_not(), HeldScalars.Zero);
            }

            weights = weights / pTotal![row].index_select(0, local).clamp_min(HeldScalars.Tiny);
            weights = cat([weights, zeros([1, wanted.Length], device: batch.Device)], 0);     // the spare slot
            perSlot = perSlot is null ? weights : perSlot.Plus(weights);
        }

        return perSlot;
    }

    /// <summary>A per-code tensor's rows [codes, ...] for this pass: all of them, or the subset's.</summary>
    private Tensor Of(Tensor perCode) => subset is null ? perCode : perCode.index_select(0, subset);

    private static void Set(ref Tensor field, Tensor value)
    {
        field.Dispose();
        field = Keep(value);
    }

    private static void Replace(ref Tensor? field, Tensor value)
    {
        field?.Dispose();
        field = Keep(value);
    }

    private static Tensor Keep(Tensor t) => t.DetachFromDisposeScope();
}
