namespace PlantFunctions.Model.Evaluation;

/// <summary>
/// Tunes decision thresholds on a validation set, exactly rather than on a grid: every distinct score of a gold pair is
/// a candidate, and one sort of the scores gives the F1 of all candidates (O(NL log NL)). The rule is "predict when
/// score &gt;= threshold"; among equally good thresholds the highest (fewest predictions) wins.
/// </summary>
public static class ThresholdTuner
{
    /// <summary>The default used when a set has no gold pair to tune on (the PLANT authors' fixed threshold).</summary>
    public const float DefaultThreshold = 0.5f;

    /// <summary>
    /// The one global threshold that maximises micro-F1 on <paramref name="validation"/> (unseen gold codes count as
    /// false negatives), with that F1. Returns <paramref name="fallback"/> and F1 0 if no gold code is in the label set.
    /// </summary>
    public static ThresholdSelection TuneGlobal(EvaluationSet validation, float fallback = DefaultThreshold)
    {
        ArgumentNullException.ThrowIfNull(validation);
        return TuneGlobal(PooledScores.Build(validation), fallback);
    }

    /// <summary>
    /// The global threshold plus one threshold per code: each code with positives in <paramref name="validation"/> gets
    /// the threshold maximising its own F1 there; codes without positives keep the global one.
    /// </summary>
    public static ThresholdSelection TunePerCode(EvaluationSet validation, float fallback = DefaultThreshold)
    {
        ArgumentNullException.ThrowIfNull(validation);
        var global = TuneGlobal(validation, fallback);
        return global with { PerCode = PerCodeThresholds(validation, global.Global) };
    }

    /// <summary>Tunes the global threshold, and per-code thresholds when <paramref name="perCode"/> is set.</summary>
    public static ThresholdSelection Tune(EvaluationSet validation, bool perCode, float fallback = DefaultThreshold) =>
        perCode ? TunePerCode(validation, fallback) : TuneGlobal(validation, fallback);

    internal static ThresholdSelection TuneGlobal(PooledScores pooled, float fallback)
    {
        long gold = pooled.Positives.Length + pooled.UnseenGold;
        var (threshold, f1) = SortedScores.BestF1Threshold(pooled.All, pooled.Positives, gold);
        return float.IsNaN(threshold) ? new ThresholdSelection(fallback, TunedMicroF1: 0) : new ThresholdSelection(threshold, TunedMicroF1: f1);
    }

    /// <summary>
    /// Per code, the logit threshold maximising its F1 on <paramref name="validation"/>, shrunk toward
    /// <paramref name="global"/> by the code's positives n: (n t + m g) / (n + m) with m = <paramref name="shrink"/>
    /// (0: no shrinkage); codes without positives take the global one.
    /// </summary>
    public static float[] PerCodeThresholds(EvaluationSet validation, float global, double shrink)
    {
        var raw = PerCodeThresholds(validation, global);
        if (shrink <= 0)
        {
            return raw;
        }

        var columns = new LabelColumns(validation);
        for (int label = 0; label < raw.Length; label++)
        {
            int positives = columns.PositiveCount(label);
            raw[label] = float.IsFinite(raw[label]) ? (float)(((positives * (double)raw[label]) + (shrink * global)) / (positives + shrink)) : global;
        }

        return raw;
    }

    internal static float[] PerCodeThresholds(EvaluationSet validation, float global)
    {
        var thresholds = new float[validation.LabelCount];
        var columns = new LabelColumns(validation);
        for (int label = 0; label < thresholds.Length; label++)
        {
            int positives = columns.PositiveCount(label);
            if (positives == 0)
            {
                thresholds[label] = global;
                continue;
            }

            var (all, positiveScores) = columns.Sorted(label);
            thresholds[label] = SortedScores.BestF1Threshold(all.Span, positiveScores.Span, positives).Threshold;
        }

        return thresholds;
    }
}
