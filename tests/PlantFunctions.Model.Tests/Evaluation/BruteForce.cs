using PlantFunctions.Model.Evaluation;

namespace PlantFunctions.Model.Tests.Evaluation;

/// <summary>Slow, obviously correct reference implementations of the metrics, and random sets to compare them on.</summary>
internal static class BruteForce
{
    /// <summary>A random set with scores on a coarse grid (many ties), random gold labels and random unseen counts.</summary>
    public static EvaluationSet RandomSet(int seed, int notes, int labels, int levels = 7, double goldRate = 0.2, int maxUnseen = 2)
    {
        var random = new Random(seed);
        var scores = new float[notes][];
        var gold = new List<int>[notes];
        var unseen = new int[notes];
        for (int i = 0; i < notes; i++)
        {
            scores[i] = new float[labels];
            gold[i] = [];
            for (int j = 0; j < labels; j++)
            {
                bool isGold = random.NextDouble() < goldRate;
                // Gold pairs lean higher, so the metrics are neither trivial nor random.
                int level = Math.Min(levels - 1, random.Next(levels) + (isGold ? random.Next(3) : 0));
                scores[i][j] = level / (float)(levels - 1);
                if (isGold)
                {
                    gold[i].Add(j);
                }
            }

            unseen[i] = random.Next(maxUnseen + 1);
        }

        return new EvaluationSet(scores, gold, unseen);
    }

    /// <summary>P(pos &gt; neg) + 0.5 P(pos = neg) over all pairs.</summary>
    public static double PairAuc(IReadOnlyList<float> positives, IReadOnlyList<float> negatives)
    {
        double wins = 0;
        foreach (float p in positives)
        {
            foreach (float n in negatives)
            {
                wins += p > n ? 1 : p == n ? 0.5 : 0;
            }
        }

        return wins / ((double)positives.Count * negatives.Count);
    }

    public static double MicroAuc(EvaluationSet set)
    {
        var positives = new List<float>();
        var negatives = new List<float>();
        for (int i = 0; i < set.NoteCount; i++)
        {
            for (int j = 0; j < set.LabelCount; j++)
            {
                (set.Gold(i).Contains(j) ? positives : negatives).Add(set.Scores(i)[j]);
            }
        }

        return PairAuc(positives, negatives);
    }

    public static double MacroAuc(EvaluationSet set)
    {
        var aucs = new List<double>();
        for (int j = 0; j < set.LabelCount; j++)
        {
            var positives = new List<float>();
            var negatives = new List<float>();
            for (int i = 0; i < set.NoteCount; i++)
            {
                (set.Gold(i).Contains(j) ? positives : negatives).Add(set.Scores(i)[j]);
            }

            if (positives.Count > 0 && negatives.Count > 0)
            {
                aucs.Add(PairAuc(positives, negatives));
            }
        }

        return aucs.Average();
    }

    /// <summary>The note's labels sorted best first (score descending, then label ascending).</summary>
    public static int[] Ranking(EvaluationSet set, int note)
    {
        var scores = set.Scores(note).ToArray();
        return [.. Enumerable.Range(0, scores.Length).OrderByDescending(j => scores[j]).ThenBy(j => j)];
    }

    public static double MeanAveragePrecision(EvaluationSet set)
    {
        var aps = new List<double>();
        for (int i = 0; i < set.NoteCount; i++)
        {
            if (set.TotalGoldCount(i) == 0)
            {
                continue;
            }

            var ranking = Ranking(set, i);
            double sum = 0;
            int hits = 0;
            for (int r = 0; r < ranking.Length; r++)
            {
                if (set.Gold(i).Contains(ranking[r]))
                {
                    hits++;
                    sum += hits / (r + 1.0);
                }
            }

            aps.Add(sum / set.TotalGoldCount(i));
        }

        return aps.Average();
    }

    public static double PrecisionAtK(EvaluationSet set, int k) =>
        Enumerable.Range(0, set.NoteCount).Average(i => HitsAtK(set, i, k) / (double)k);

    public static double RecallAtK(EvaluationSet set, int k) =>
        Enumerable.Range(0, set.NoteCount).Where(i => set.TotalGoldCount(i) > 0)
            .Average(i => HitsAtK(set, i, k) / (double)set.TotalGoldCount(i));

    /// <summary>Micro-F1 at a threshold, counted directly (unseen gold codes are false negatives).</summary>
    public static double MicroF1(EvaluationSet set, float threshold)
    {
        long tp = 0, fp = 0, fn = 0;
        for (int i = 0; i < set.NoteCount; i++)
        {
            for (int j = 0; j < set.LabelCount; j++)
            {
                bool predicted = set.Scores(i)[j] >= threshold;
                bool gold = set.Gold(i).Contains(j);
                tp += predicted && gold ? 1 : 0;
                fp += predicted && !gold ? 1 : 0;
                fn += !predicted && gold ? 1 : 0;
            }

            fn += set.UnseenGoldCount(i);
        }

        return tp == 0 ? 0 : 2.0 * tp / ((2 * tp) + fp + fn);
    }

    /// <summary>F1 of one label over the notes at a threshold.</summary>
    public static double LabelF1(EvaluationSet set, int label, float threshold)
    {
        long tp = 0, fp = 0, fn = 0;
        for (int i = 0; i < set.NoteCount; i++)
        {
            bool predicted = set.Scores(i)[label] >= threshold;
            bool gold = set.Gold(i).Contains(label);
            tp += predicted && gold ? 1 : 0;
            fp += predicted && !gold ? 1 : 0;
            fn += !predicted && gold ? 1 : 0;
        }

        return tp == 0 ? 0 : 2.0 * tp / ((2 * tp) + fp + fn);
    }

    /// <summary>Every distinct score of the set, highest first: the candidate thresholds of an exhaustive scan.</summary>
    public static float[] DistinctScoresDescending(EvaluationSet set) =>
        [.. Enumerable.Range(0, set.NoteCount).SelectMany(i => set.Scores(i).ToArray()).Distinct().OrderDescending()];

    private static int HitsAtK(EvaluationSet set, int note, int k) =>
        Ranking(set, note).Take(k).Count(set.Gold(note).Contains);
}
