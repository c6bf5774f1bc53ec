using PlantFunctions.Model.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace PlantFunctions.Model.Networks;

/// <summary>
/// Cheap scores of every code for a batch of notes, what a shortlist in front of the exact decoder ranks by: the
/// decoder's logit (eq. 8, with our static-mass term when it is on) with S exact and the learned attentions A and P
/// replaced by uniform attention over the note, so each is the mean of the note's encoder features:
/// <c>w_c . (n x mean h + S_c^T H) + b_c (+ the static-mass term)</c>, n the number of learned attentions (A, and P when
/// it is on). Cost per note: one [codes x features] product and the note's static entries, against the exact decoder's
/// tokens x codes x features; memory: a features-wide sum and the slot sums.
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

    /// <summary>Every code's cheap score [batch, codes].</summary>
    public Tensor Scores()
    {
        using var time = StageTimes.Time("shortlist");
        using var scope = NewDisposeScope();
        long codes = decoder.Codes;
        var weights = decoder.OutputWeights();                                                  // [L, F]
        var positions = batch.Valid.sum(1, type: ScalarType.Float32).clamp_min(HeldScalars.One).unsqueeze(-1);
        var mean = sum / positions * HeldScalars.Of(decoder.Switches.Planted ? 2 : 1);
        var scores = mean.matmul(weights.t()).Plus(decoder.Bias);                                // [B, L]
        if (slotSums is not null && batch.StaticSlots((int)codes) is var (slotIndex, codeIndex, weight))
        {
            // S^T H . w_c per static entry, summed per (row, code): no [codes x features] map per note.
            var code = codeIndex.remainder(codes);
            var dots = (slotSums.index_select(0, slotIndex) * weights.index_select(0, code)).sum(-1) * weight;
            var flat = zeros(rows * codes, device: batch.Device).index_add(0, codeIndex, dots, HeldScalars.One);
            if (decoder.Switches.StaticMassTerm)
            {
                var occurrences = cat([batch.DistinctCounts, zeros([rows, 1], device: batch.Device)], 1).reshape(-1).index_select(0, slotIndex);
                flat = flat.index_add(0, codeIndex, weight * occurrences * decoder.StaticScale.index_select(0, code), HeldScalars.One);
            }

            scores = scores.Plus(flat.reshape(rows, codes));
        }

        return scores.MoveToOuterDisposeScope();
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
