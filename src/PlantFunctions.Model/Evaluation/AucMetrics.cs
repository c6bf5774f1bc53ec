namespace PlantFunctions.Model.Evaluation;

/// <summary>
/// Area under the ROC curve, as in Edin et al. (2023) and sklearn's <c>roc_auc_score</c>: equal scores count half a
/// correctly ordered pair (the trapezoid rule). Only codes of the label set take part; unseen gold codes cannot be scored.
/// </summary>
public static class AucMetrics
{
    /// <summary>Micro AUC over all N * L (note, label) pairs; NaN if the pairs are all positive or all negative.</summary>
    public static double MicroAuc(EvaluationSet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        return MicroAuc(PooledScores.Build(set));
    }

    /// <summary>
    /// Macro AUC: the mean of per-label AUCs over the labels with at least one positive and at least one negative note
    /// in the set (others have no ROC curve); NaN if there is no such label.
    /// </summary>
    public static double MacroAuc(EvaluationSet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        var columns = new LabelColumns(set);
        double sum = 0;
        int count = 0;
        for (int label = 0; label < set.LabelCount; label++)
        {
            int positives = columns.PositiveCount(label);
            if (positives == 0 || positives == set.NoteCount)
            {
                continue;
            }

            var (all, positiveScores) = columns.Sorted(label);
            sum += SortedScores.RocAuc(all.Span, positiveScores.Span);
            count++;
        }

        return count == 0 ? double.NaN : sum / count;
    }

    internal static double MicroAuc(PooledScores pooled) => SortedScores.RocAuc(pooled.All, pooled.Positives);
}
