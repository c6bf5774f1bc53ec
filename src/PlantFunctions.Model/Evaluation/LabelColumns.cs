namespace PlantFunctions.Model.Evaluation;

/// <summary>
/// Per-label views of a set for the macro metrics and per-code thresholds: which notes have each label as gold (an
/// inverted index the size of the gold pairs), and one label's scores over all notes gathered into reusable buffers.
/// </summary>
internal sealed class LabelColumns
{
    private readonly EvaluationSet set;
    private readonly int[] offsets;
    private readonly int[] notes;
    private readonly float[] column;
    private readonly float[] positives;

    public LabelColumns(EvaluationSet set)
    {
        this.set = set;
        offsets = new int[set.LabelCount + 1];
        for (int i = 0; i < set.NoteCount; i++)
        {
            foreach (int label in set.GoldArray(i))
            {
                offsets[label + 1]++;
            }
        }

        int maxPositives = 0;
        for (int j = 0; j < set.LabelCount; j++)
        {
            maxPositives = Math.Max(maxPositives, offsets[j + 1]);
            offsets[j + 1] += offsets[j];
        }

        notes = new int[offsets[set.LabelCount]];
        var next = offsets[..^1];
        for (int i = 0; i < set.NoteCount; i++)
        {
            foreach (int label in set.GoldArray(i))
            {
                notes[next[label]++] = i;
            }
        }

        column = new float[set.NoteCount];
        positives = new float[maxPositives];
    }

    /// <summary>Number of notes that have <paramref name="label"/> as a gold code.</summary>
    public int PositiveCount(int label) => offsets[label + 1] - offsets[label];

    /// <summary>
    /// Gathers one label's scores over all notes (ascending) and over its positive notes (ascending). The
    /// buffers are reused by the next call.
    /// </summary>
    public (ReadOnlyMemory<float> All, ReadOnlyMemory<float> Positives) Sorted(int label)
    {
        for (int i = 0; i < set.NoteCount; i++)
        {
            column[i] = set.Scores(i)[label];
        }

        int count = PositiveCount(label);
        for (int p = 0; p < count; p++)
        {
            positives[p] = column[notes[offsets[label] + p]];
        }

        Array.Sort(column);
        Array.Sort(positives, 0, count);
        return (column, positives.AsMemory(0, count));
    }
}
