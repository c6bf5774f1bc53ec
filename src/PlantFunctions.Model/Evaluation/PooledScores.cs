namespace PlantFunctions.Model.Evaluation;

/// <summary>
/// All N * L scores of a set, sorted, and the scores of its gold (note, label) pairs, sorted: the one sort that micro AUC
/// and the global threshold sweep need. It is the only N * L sized allocation the metrics make.
/// </summary>
internal sealed class PooledScores
{
    private PooledScores(float[] all, float[] positives, long unseen)
    {
        All = all;
        Positives = positives;
        UnseenGold = unseen;
    }

    /// <summary>Every score, ascending.</summary>
    public float[] All { get; }

    /// <summary>Scores of the gold pairs, ascending.</summary>
    public float[] Positives { get; }

    /// <summary>Gold codes outside the label set, summed over notes.</summary>
    public long UnseenGold { get; }

    public static PooledScores Build(EvaluationSet set)
    {
        if (set.PairCount > Array.MaxLength)
        {
            throw new NotSupportedException($"{set.PairCount} (note, label) pairs exceed the largest array .NET can sort");
        }

        var all = new float[set.PairCount];
        int positiveCount = 0;
        long unseen = 0;
        for (int i = 0; i < set.NoteCount; i++)
        {
            positiveCount += set.GoldArray(i).Length;
            unseen += set.UnseenGoldCount(i);
        }

        var positives = new float[positiveCount];
        int p = 0;
        for (int i = 0; i < set.NoteCount; i++)
        {
            var row = set.Scores(i);
            row.CopyTo(all.AsSpan(i * set.LabelCount, set.LabelCount));
            foreach (int label in set.GoldArray(i))
            {
                positives[p++] = row[label];
            }
        }

        Array.Sort(all);
        Array.Sort(positives);
        return new PooledScores(all, positives, unseen);
    }
}
