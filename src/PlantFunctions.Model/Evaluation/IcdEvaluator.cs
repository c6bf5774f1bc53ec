namespace PlantFunctions.Model.Evaluation;

/// <summary>
/// Computes the full <see cref="EvaluationReport"/> of an ICD coding run with the definitions of Edin et al. (2023) and,
/// for MAP, of the CodiEsp task. Pure managed code: the only N * L sized allocation is one sorted copy of the scores
/// for micro AUC (and for the threshold sweep, which shares it when tuning and evaluating on the same set).
/// </summary>
public static class IcdEvaluator
{
    /// <summary>Evaluates <paramref name="set"/> at the given thresholds (e.g. the ones stored in a model).</summary>
    public static EvaluationReport Evaluate(EvaluationSet set, ThresholdSelection thresholds, EvaluationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(set);
        ArgumentNullException.ThrowIfNull(thresholds);
        return Evaluate(set, thresholds, options ?? EvaluationOptions.Default, pooled: null);
    }

    /// <summary>
    /// Tunes the thresholds on <paramref name="validation"/> (one global threshold maximising micro-F1, plus per-code
    /// thresholds if <see cref="EvaluationOptions.PerCodeThresholds"/> is set) and evaluates <paramref name="test"/> at them.
    /// Passing the same set twice evaluates it at its own optimum, which flatters the F1 metrics.
    /// </summary>
    public static EvaluationReport Evaluate(EvaluationSet test, EvaluationSet validation, EvaluationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(test);
        ArgumentNullException.ThrowIfNull(validation);
        if (validation.LabelCount != test.LabelCount)
        {
            throw new ArgumentException($"validation has {validation.LabelCount} labels, test {test.LabelCount}", nameof(validation));
        }

        options ??= EvaluationOptions.Default;
        var validationScores = PooledScores.Build(validation);
        var thresholds = ThresholdTuner.TuneGlobal(validationScores, options.FallbackThreshold);
        if (options.PerCodeThresholds)
        {
            thresholds = thresholds with { PerCode = ThresholdTuner.PerCodeThresholds(validation, thresholds.Global) };
        }

        return Evaluate(test, thresholds, options, ReferenceEquals(test, validation) ? validationScores : null);
    }

    private static EvaluationReport Evaluate(EvaluationSet set, ThresholdSelection thresholds, EvaluationOptions options, PooledScores? pooled)
    {
        var ranking = RankingMetrics.Compute(set, options.Ks);
        double microAuc = AucMetrics.MicroAuc(pooled ?? PooledScores.Build(set));
        double macroAuc = AucMetrics.MacroAuc(set);
        var counts = ConfusionCounts.Count(set, thresholds);
        var buckets = options.TrainingFrequencies is null
            ? []
            : counts.MacroF1ByBucket(options.TrainingFrequencies, options.Buckets);
        return new EvaluationReport
        {
            NoteCount = set.NoteCount,
            NotesWithGold = ranking.NotesWithGold,
            LabelCount = set.LabelCount,
            PresentLabelCount = counts.PresentLabelCount,
            MeanAveragePrecision = ranking.MeanAveragePrecision,
            EdinRanking = RankingMetrics.Compute(set, options.Ks, RankingConvention.Edin),
            PrecisionAtK = ranking.PrecisionAtK,
            RecallAtK = ranking.RecallAtK,
            MicroAuc = microAuc,
            MacroAuc = macroAuc,
            MicroPrecision = counts.MicroPrecision,
            MicroRecall = counts.MicroRecall,
            MicroF1 = counts.MicroF1,
            MacroPrecision = counts.MacroPrecision,
            MacroRecall = counts.MacroRecall,
            MacroF1 = counts.MacroF1,
            BucketMacroF1 = buckets,
            Thresholds = thresholds,
        };
    }
}
