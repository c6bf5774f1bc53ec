namespace PlantFunctions.Model.Evaluation;

/// <summary>Which notes and gold codes the ranking metrics count.</summary>
public enum RankingConvention
{
    /// <summary>
    /// The CodiEsp task's: gold codes outside the label set count as misses (in MAP and R@k); P@k averages over every
    /// note, MAP and R@k over notes with any gold code.
    /// </summary>
    CodiEsp,

    /// <summary>
    /// Edin et al. (2023): gold codes outside the label set are dropped, and so are notes left with no gold code; every
    /// metric averages over the notes that remain.
    /// </summary>
    Edin,
}

/// <summary>
/// Metrics of each note's ranking of all L labels by score. Equal scores are ordered by label index (lower first), so
/// results are deterministic. Gold codes outside the label set are never retrieved: they lower R@k and MAP.
/// </summary>
public static class RankingMetrics
{
    /// <summary>
    /// MAP, P@k and R@k in one pass. Per note: P@k = (gold codes among the top k) / k; R@k = (gold codes among the top k)
    /// / (all gold codes, unseen included); AP = sum over gold codes of the label set ranked r of precision@r, divided by
    /// all gold codes, unseen included (CodiEsp). P@k averages over all notes; R@k and MAP over notes with gold codes.
    /// </summary>
    /// <param name="set">Scores and gold codes.</param>
    /// <param name="ks">The cutoffs k.</param>
    /// <param name="convention">CodiEsp (described above) or Edin et al.: see <see cref="RankingConvention"/>.</param>
    public static RankingScores Compute(EvaluationSet set, IReadOnlyList<int> ks, RankingConvention convention = RankingConvention.CodiEsp)
    {
        ArgumentNullException.ThrowIfNull(set);
        ArgumentNullException.ThrowIfNull(ks);
        int[] cutoffs = [.. ks.Distinct()];
        if (cutoffs.Any(k => k < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(ks), "k must be at least 1");
        }

        int maxGold = 0;
        for (int i = 0; i < set.NoteCount; i++)
        {
            maxGold = Math.Max(maxGold, set.GoldArray(i).Length);
        }

        var order = new int[maxGold];
        var keys = new float[maxGold];
        var ranks = new int[maxGold];
        var precisionSums = new double[cutoffs.Length];
        var recallSums = new double[cutoffs.Length];
        double apSum = 0;
        int withGold = 0;
        int counted = 0;
        bool edin = convention == RankingConvention.Edin;
        for (int i = 0; i < set.NoteCount; i++)
        {
            var gold = set.GoldArray(i);
            if (edin && gold.Length == 0)
            {
                continue;
            }

            counted++;
            int total = gold.Length + (edin ? 0 : set.UnseenGoldCount(i));
            var scores = set.Scores(i);
            var goldRanks = GoldRanks(scores, gold, keys.AsSpan(0, gold.Length), order.AsSpan(0, gold.Length), ranks.AsSpan(0, gold.Length));
            for (int c = 0; c < cutoffs.Length; c++)
            {
                int hits = CountAtMost(goldRanks, cutoffs[c]);
                precisionSums[c] += (double)hits / cutoffs[c];
                recallSums[c] += total == 0 ? 0 : (double)hits / total;
            }

            if (total > 0)
            {
                withGold++;
                double precisionSum = 0;
                for (int g = 0; g < goldRanks.Length; g++)
                {
                    precisionSum += (g + 1.0) / goldRanks[g];
                }

                apSum += precisionSum / total;
            }
        }

        var precision = new Dictionary<int, double>();
        var recall = new Dictionary<int, double>();
        for (int c = 0; c < cutoffs.Length; c++)
        {
            precision[cutoffs[c]] = counted == 0 ? double.NaN : precisionSums[c] / counted;
            recall[cutoffs[c]] = withGold == 0 ? double.NaN : recallSums[c] / withGold;
        }

        return new RankingScores(withGold == 0 ? double.NaN : apSum / withGold, precision, recall, withGold);
    }

    /// <summary>Mean average precision (CodiEsp definition); see <see cref="Compute"/>.</summary>
    public static double MeanAveragePrecision(EvaluationSet set) => Compute(set, []).MeanAveragePrecision;

    /// <summary>Precision at k averaged over all notes; see <see cref="Compute"/>.</summary>
    public static double PrecisionAtK(EvaluationSet set, int k) => Compute(set, [k]).PrecisionAtK[k];

    /// <summary>Recall at k averaged over notes with gold codes; see <see cref="Compute"/>.</summary>
    public static double RecallAtK(EvaluationSet set, int k) => Compute(set, [k]).RecallAtK[k];

    /// <summary>
    /// The 1-based ranks of a note's gold labels in its full ranking, ascending, without sorting all L labels: the gold
    /// labels are sorted by rank order, then each label that outranks the last of them is counted against the first gold
    /// label it outranks (a binary search), and a prefix sum turns those counts into ranks: O(L log m) per note at worst, no sort of the L scores.
    /// </summary>
    private static ReadOnlySpan<int> GoldRanks(ReadOnlySpan<float> scores, int[] gold, Span<float> keys, Span<int> order, Span<int> ranks)
    {
        int m = gold.Length;
        if (m == 0)
        {
            return [];
        }

        gold.CopyTo(order);
        for (int g = 0; g < m; g++)
        {
            keys[g] = -scores[order[g]];
        }

        // Rank order: descending score (ascending -score), then ascending label among equal scores.
        keys.Sort(order);
        SortTiesByLabel(keys, order);
        ranks.Clear();
        int lastLabel = order[m - 1];
        float lastScore = scores[lastLabel];
        for (int j = 0; j < scores.Length; j++)
        {
            float s = scores[j];
            if (!Outranks(s, j, lastScore, lastLabel))
            {
                continue;
            }

            int lo = 0, hi = m - 1;
            while (lo < hi)
            {
                int mid = (lo + hi) >> 1;
                if (Outranks(s, j, scores[order[mid]], order[mid]))
                {
                    hi = mid;
                }
                else
                {
                    lo = mid + 1;
                }
            }

            ranks[lo]++;
        }

        int above = 0;
        for (int g = 0; g < m; g++)
        {
            above += ranks[g];
            ranks[g] = above + 1;
        }

        return ranks;
    }

    private static void SortTiesByLabel(ReadOnlySpan<float> keys, Span<int> order)
    {
        int start = 0;
        while (start < keys.Length)
        {
            int end = start + 1;
            while (end < keys.Length && keys[end] == keys[start])
            {
                end++;
            }

            order[start..end].Sort();
            start = end;
        }
    }

    private static bool Outranks(float score, int label, float otherScore, int otherLabel) =>
        score > otherScore || (score == otherScore && label < otherLabel);

    private static int CountAtMost(ReadOnlySpan<int> ascending, int k)
    {
        int count = 0;
        while (count < ascending.Length && ascending[count] <= k)
        {
            count++;
        }

        return count;
    }
}
