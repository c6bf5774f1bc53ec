using PlantFunctions.Model.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace PlantFunctions.Model.Networks;

/// <summary>
/// Cheap scores of every code for a batch of notes, what a shortlist in front of the exact decoder ranks by: the
/// decoder's logit (eq. 8, with our static-mass term when it is on) with the learned attentions A and P replaced by
/// uniform attention over the note (each becomes the mean of the note's encoder features) and S by its mass on the mean
/// feature of the code's strongest static token in the note:
/// <c>w_c . (n x mean h + m_c x mean h[t_c]) + b_c (+ the static-mass term)</c>, n the number of learned attentions (A,
/// and P when it is on), m_c the code's static mass in the note, t_c its strongest static token there. Cost per note:
/// two [codes x features] passes, against the exact decoder's tokens x codes x features; memory: a features-wide sum and
/// the slot sums.
/// </summary>
public sealed class ShortlistScores : IDisposable
{
    private readonly PlantDecoder decoder;
    private readonly NoteBatch batch;
    private readonly long rows;
    private readonly long features;
    private Tensor sum;
    private Tensor? slotSums;

    /// <summary>Starts the scores of <paramref name="batch"/> with <paramref name="features"/>-wide encoder outputs.</summary>
    public ShortlistScores(PlantDecoder decoder, NoteBatch batch, long features)
    {
        this.decoder = decoder;
        this.batch = batch;
        this.features = features;
        rows = batch.Count;
        sum = zeros([rows, features], device: batch.Device).DetachFromDisposeScope();
        if (decoder.Switches.Static)
        {
            slotSums = zeros([rows * (batch.Slots + 1), features], device: batch.Device).DetachFromDisposeScope();
        }
    }

    /// <summary>Adds the span of encoder features h [batch, s, features] starting at token <paramref name="start"/>.</summary>
    public void Add(Tensor h, int start)
    {
        using var time = StageTimes.Time("shortlist");
        using var scope = NewDisposeScope();
        long length = h.shape[1];
        var valid = batch.Valid.narrow(1, start, length).unsqueeze(-1).to(h.dtype);            // [B, s, 1]
        Replace(ref sum, sum.Plus((h * valid).sum(1)));
        if (slotSums is not null)
        {
            var slots = batch.FlatSlots.narrow(1, start, length).reshape(-1);
            var updated = slotSums.index_add(0, slots, h.reshape(-1, features), HeldScalars.One);
            slotSums.Dispose();
            slotSums = updated.DetachFromDisposeScope();
        }
    }

    /// <summary>Every code's cheap score [batch, codes] (timed by the caller).</summary>
    public Tensor Scores()
    {
        using var scope = NewDisposeScope();
        long codes = decoder.Codes;
        var weights = decoder.OutputWeights();                                                  // [L, F]
        var positions = batch.Valid.sum(1, type: ScalarType.Float32).clamp_min(HeldScalars.One).unsqueeze(-1);
        var mean = sum / positions * HeldScalars.Of(decoder.Switches.Planted ? 2 : 1);
        var scores = mean.matmul(weights.t()).Plus(decoder.Bias);                                // [B, L]
        if (slotSums is not null && StrongestEntries((int)codes) is var (slotIndex, codeIndex, mass) && slotIndex.Length > 0)
        {
            // S_c^T H = sum over the code's entries of weight x occurrences x the slot's mean feature; with every entry's
            // mean taken as its strongest entry's, w_c . S_c^T H = mass_c x (mean of that slot) . w_c: one feature row
            // per code with entries, not one per entry (a note touches up to 5 entries per code).
            using var staticTime = StageTimes.Time("shortlist: of which S");
            var slot = tensor(slotIndex, device: batch.Device);
            var flatCode = tensor(codeIndex, device: batch.Device);
            var code = flatCode.remainder(codes);
            var masses = tensor(mass, device: batch.Device);
            var occurrences = cat([batch.DistinctCounts, zeros([rows, 1], device: batch.Device)], 1).reshape(-1).index_select(0, slot).clamp_min(HeldScalars.One);
            var perCode = (slotSums.index_select(0, slot) * weights.index_select(0, code)).sum(-1) / occurrences * masses;
            if (decoder.Switches.StaticMassTerm)
            {
                perCode = perCode.Plus(decoder.StaticScale.index_select(0, code) * masses);
            }

            scores = scores.Plus(zeros(rows * codes, device: batch.Device).index_add(0, flatCode, perCode, HeldScalars.One).reshape(rows, codes));
        }

        return scores.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Per (row, code) with static entries: the flat slot index (row x (Slots + 1) + slot) of its entry with the largest
    /// weight (the first of ties), the flat code index (row x codes + code), and its static mass (weight x occurrences,
    /// summed over its entries).
    /// </summary>
    private (long[] Slot, long[] Code, float[] Mass) StrongestEntries(int codes)
    {
        var counts = batch.DistinctCounts.cpu().data<float>().ToArray();
        var slot = new List<long>();
        var code = new List<long>();
        var mass = new List<float>();
        var best = new float[codes];
        var at = new int[codes];
        for (int b = 0; b < rows; b++)
        {
            Array.Fill(at, -1);
            foreach (var (s, c, w) in batch.StaticEntriesOf(b))
            {
                float occurrences = counts[(b * batch.Slots) + s];
                if (at[c] < 0)
                {
                    at[c] = slot.Count;
                    best[c] = w;
                    slot.Add((b * (batch.Slots + 1L)) + s);
                    code.Add(((long)b * codes) + c);
                    mass.Add(w * occurrences);
                    continue;
                }

                mass[at[c]] += w * occurrences;
                if (w > best[c])
                {
                    best[c] = w;
                    slot[at[c]] = (b * (batch.Slots + 1L)) + s;
                }
            }
        }

        return ([.. slot], [.. code], [.. mass]);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        sum.Dispose();
        slotSums?.Dispose();
    }

    private static void Replace(ref Tensor field, Tensor value)
    {
        field.Dispose();
        field = value.DetachFromDisposeScope();
    }
}
