using PlantFunctions.Model.Labels;

namespace PlantFunctions.Model.Evaluation;

/// <summary>
/// What the metrics evaluate: the scores of N notes over the L codes of a label set (higher = more likely; ranking is by
/// score), each note's gold codes as label indices, and per note the number of gold codes that are not in the label set
/// ("unseen" codes: they can never be predicted, but count as misses in recall, MAP and R@k).
/// The scores are kept by reference, not copied: do not change them while the set is in use.
/// </summary>
public sealed class EvaluationSet
{
    private readonly float[]? flat;
    private readonly float[][]? rows;
    private readonly int[][] gold;
    private readonly int[] unseen;

    /// <summary>Creates a set from a row-major score matrix: note <c>i</c>'s score for label <c>j</c> is <c>scores[i * labelCount + j]</c>.</summary>
    /// <param name="scores">N * L scores, no NaN.</param>
    /// <param name="labelCount">L, the size of the label set.</param>
    /// <param name="goldLabels">Per note, the label indices of its gold codes (duplicates are ignored).</param>
    /// <param name="unseenGoldCounts">Per note, how many gold codes are outside the label set; <c>null</c> = none.</param>
    public EvaluationSet(float[] scores, int labelCount, IReadOnlyList<IEnumerable<int>> goldLabels, IReadOnlyList<int>? unseenGoldCounts = null)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentOutOfRangeException.ThrowIfLessThan(labelCount, 1);
        if (scores.Length % labelCount != 0)
        {
            throw new ArgumentException($"{scores.Length} scores are not a whole number of rows of {labelCount} labels", nameof(scores));
        }

        flat = scores;
        LabelCount = labelCount;
        NoteCount = scores.Length / labelCount;
        CheckNoNaN(scores, nameof(scores));
        (gold, unseen) = Normalize(goldLabels, unseenGoldCounts, NoteCount, labelCount);
    }

    /// <summary>Creates a set from one score row per note; every row has the same length L.</summary>
    /// <param name="scores">N rows of L scores, no NaN.</param>
    /// <param name="goldLabels">Per note, the label indices of its gold codes (duplicates are ignored).</param>
    /// <param name="unseenGoldCounts">Per note, how many gold codes are outside the label set; <c>null</c> = none.</param>
    public EvaluationSet(float[][] scores, IReadOnlyList<IEnumerable<int>> goldLabels, IReadOnlyList<int>? unseenGoldCounts = null)
    {
        ArgumentNullException.ThrowIfNull(scores);
        if (scores.Length == 0)
        {
            throw new ArgumentException("an evaluation set needs at least one note", nameof(scores));
        }

        int labelCount = scores[0]?.Length ?? 0;
        ArgumentOutOfRangeException.ThrowIfLessThan(labelCount, 1, "labels per row");
        foreach (var row in scores)
        {
            if (row is null || row.Length != labelCount)
            {
                throw new ArgumentException($"every score row must have {labelCount} labels", nameof(scores));
            }

            CheckNoNaN(row, nameof(scores));
        }

        rows = scores;
        LabelCount = labelCount;
        NoteCount = scores.Length;
        (gold, unseen) = Normalize(goldLabels, unseenGoldCounts, NoteCount, labelCount);
    }

    /// <summary>Number of notes N.</summary>
    public int NoteCount { get; }

    /// <summary>Number of labels L.</summary>
    public int LabelCount { get; }

    /// <summary>Number of (note, label) pairs, N * L.</summary>
    public long PairCount => (long)NoteCount * LabelCount;

    /// <summary>
    /// Builds a set from gold codes as strings: codes found in <paramref name="labels"/> become label indices, the others
    /// are counted as unseen. Codes are compared ordinally; duplicates within a note count once.
    /// </summary>
    public static EvaluationSet FromCodes(float[][] scores, IReadOnlyList<IEnumerable<string>> goldCodes, LabelSet labels)
    {
        var (indices, unseenCounts) = MapCodes(goldCodes, labels);
        return new EvaluationSet(scores, indices, unseenCounts);
    }

    /// <summary>
    /// Builds a set from a row-major score matrix (L = <paramref name="labels"/>.Count) and gold codes as strings; see
    /// <see cref="FromCodes(float[][], IReadOnlyList{IEnumerable{string}}, LabelSet)"/>.
    /// </summary>
    public static EvaluationSet FromCodes(float[] scores, IReadOnlyList<IEnumerable<string>> goldCodes, LabelSet labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var (indices, unseenCounts) = MapCodes(goldCodes, labels);
        return new EvaluationSet(scores, labels.Count, indices, unseenCounts);
    }

    /// <summary>The L scores of one note.</summary>
    public ReadOnlySpan<float> Scores(int note) => rows is not null
        ? rows[note]
        : flat.AsSpan(checked(note * LabelCount), LabelCount);

    /// <summary>The gold label indices of one note, ascending.</summary>
    public IReadOnlyList<int> Gold(int note) => gold[note];

    /// <summary>How many gold codes of one note are not in the label set.</summary>
    public int UnseenGoldCount(int note) => unseen[note];

    /// <summary>All gold codes of one note: those in the label set plus the unseen ones.</summary>
    public int TotalGoldCount(int note) => gold[note].Length + unseen[note];

    internal int[] GoldArray(int note) => gold[note];

    private static void CheckNoNaN(float[] values, string name)
    {
        foreach (float value in values)
        {
            if (float.IsNaN(value))
            {
                throw new ArgumentException("scores must not contain NaN", name);
            }
        }
    }

    private static (int[][] Gold, int[] Unseen) Normalize(
        IReadOnlyList<IEnumerable<int>> goldLabels, IReadOnlyList<int>? unseenGoldCounts, int noteCount, int labelCount)
    {
        ArgumentNullException.ThrowIfNull(goldLabels);
        if (goldLabels.Count != noteCount)
        {
            throw new ArgumentException($"gold labels are given for {goldLabels.Count} notes, scores for {noteCount}", nameof(goldLabels));
        }

        if (unseenGoldCounts is not null && unseenGoldCounts.Count != noteCount)
        {
            throw new ArgumentException($"unseen counts are given for {unseenGoldCounts.Count} notes, scores for {noteCount}", nameof(unseenGoldCounts));
        }

        var gold = new int[noteCount][];
        var unseen = new int[noteCount];
        for (int i = 0; i < noteCount; i++)
        {
            var labels = (goldLabels[i] ?? []).Distinct().Order().ToArray();
            if (labels.Length > 0 && (labels[0] < 0 || labels[^1] >= labelCount))
            {
                throw new ArgumentOutOfRangeException(nameof(goldLabels), $"note {i} has a gold label outside 0..{labelCount - 1}");
            }

            gold[i] = labels;
            unseen[i] = unseenGoldCounts?[i] ?? 0;
            if (unseen[i] < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(unseenGoldCounts), $"note {i} has a negative unseen count");
            }
        }

        return (gold, unseen);
    }

    private static (IReadOnlyList<IEnumerable<int>> Indices, int[] Unseen) MapCodes(IReadOnlyList<IEnumerable<string>> goldCodes, LabelSet labels)
    {
        ArgumentNullException.ThrowIfNull(goldCodes);
        ArgumentNullException.ThrowIfNull(labels);
        var indices = new int[goldCodes.Count][];
        var unseenCounts = new int[goldCodes.Count];
        for (int i = 0; i < goldCodes.Count; i++)
        {
            var distinct = (goldCodes[i] ?? []).Distinct(StringComparer.Ordinal).Select(labels.IndexOf).ToArray();
            indices[i] = [.. distinct.Where(j => j >= 0)];
            unseenCounts[i] = distinct.Length - indices[i].Length;
        }

        return (indices, unseenCounts);
    }
}
