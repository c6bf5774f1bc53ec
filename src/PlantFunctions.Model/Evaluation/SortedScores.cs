namespace PlantFunctions.Model.Evaluation;

/// <summary>
/// Metrics from two ascending score arrays: all scores of a population and the scores of its positives (a subset of all).
/// Working from the positives alone avoids sorting (score, label) pairs: counts of negatives come from differences.
/// </summary>
internal static class SortedScores
{
    /// <summary>Index of the first element &gt;= <paramref name="value"/>.</summary>
    public static int LowerBound(ReadOnlySpan<float> sorted, float value)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            int mid = lo + ((hi - lo) >> 1);
            if (sorted[mid] < value)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    /// <summary>Index of the first element &gt; <paramref name="value"/>.</summary>
    public static int UpperBound(ReadOnlySpan<float> sorted, float value)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            int mid = lo + ((hi - lo) >> 1);
            if (sorted[mid] <= value)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    /// <summary>
    /// ROC AUC as the Mann-Whitney statistic P(pos &gt; neg) + 0.5 P(pos = neg), which equals sklearn's trapezoidal
    /// roc_auc_score with ties. NaN when there are no positives or no negatives.
    /// </summary>
    public static double RocAuc(ReadOnlySpan<float> all, ReadOnlySpan<float> positives)
    {
        long positiveCount = positives.Length;
        long negativeCount = all.Length - positiveCount;
        if (positiveCount == 0 || negativeCount == 0)
        {
            return double.NaN;
        }

        // Twice the pair count, so that ties (worth 1/2) stay integers.
        long twice = 0;
        int i = 0;
        while (i < positives.Length)
        {
            float value = positives[i];
            int j = i + 1;
            while (j < positives.Length && positives[j] == value)
            {
                j++;
            }

            int below = LowerBound(all, value);
            int equal = UpperBound(all, value) - below;
            long negativesBelow = below - i;
            long negativesEqual = equal - (j - i);
            twice += (j - i) * ((2 * negativesBelow) + negativesEqual);
            i = j;
        }

        return twice / (2.0 * positiveCount * negativeCount);
    }

    /// <summary>
    /// The threshold t maximising F1 = 2 TP / (predicted + gold) for the rule "predict when score &gt;= t", where
    /// <paramref name="goldCount"/> may exceed the positives (unseen gold codes). Only positive scores are candidates:
    /// lowering t to a negative-only score adds false positives and no true positive. Ties go to the highest t.
    /// Returns (NaN, 0) when there are no positives.
    /// </summary>
    public static (float Threshold, double F1) BestF1Threshold(ReadOnlySpan<float> all, ReadOnlySpan<float> positives, long goldCount)
    {
        float bestThreshold = float.NaN;
        double bestF1 = 0;
        int i = positives.Length;
        while (i > 0)
        {
            float value = positives[i - 1];
            int first = i - 1;
            while (first > 0 && positives[first - 1] == value)
            {
                first--;
            }

            long truePositives = positives.Length - first;
            long predicted = all.Length - LowerBound(all, value);
            double f1 = 2.0 * truePositives / (predicted + goldCount);
            if (f1 > bestF1)
            {
                bestF1 = f1;
                bestThreshold = value;
            }

            i = first;
        }

        return (bestThreshold, bestF1);
    }
}
