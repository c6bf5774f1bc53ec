namespace PlantFunctions.Model.Evaluation;

/// <summary>
/// True positives, false positives and false negatives per label at given thresholds (predict when score &gt;= threshold),
/// and the precision, recall and F1 derived from them as defined by Edin et al. (2023). Gold codes outside the label set
/// are extra false negatives of the micro metrics; they belong to no label, so the macro metrics never see them.
/// </summary>
public sealed class ConfusionCounts
{
    private readonly int[] truePositives;
    private readonly int[] falsePositives;
    private readonly int[] falseNegatives;

    private ConfusionCounts(int[] truePositives, int[] falsePositives, int[] falseNegatives, long unseenMisses)
    {
        this.truePositives = truePositives;
        this.falsePositives = falsePositives;
        this.falseNegatives = falseNegatives;
        UnseenMisses = unseenMisses;
        TotalTruePositives = truePositives.Sum(x => (long)x);
        TotalFalsePositives = falsePositives.Sum(x => (long)x);
        TotalFalseNegatives = falseNegatives.Sum(x => (long)x) + unseenMisses;
        PresentLabelCount = Enumerable.Range(0, truePositives.Length).Count(IsPresent);
    }

    /// <summary>Counts with one threshold for every label.</summary>
    public static ConfusionCounts Count(EvaluationSet set, float threshold) => Count(set, ThresholdSelection.Fixed(threshold));

    /// <summary>Counts with the global or per-code thresholds of <paramref name="thresholds"/>.</summary>
    public static ConfusionCounts Count(EvaluationSet set, ThresholdSelection thresholds)
    {
        ArgumentNullException.ThrowIfNull(set);
        ArgumentNullException.ThrowIfNull(thresholds);
        int labels = set.LabelCount;
        if (thresholds.PerCode is not null && thresholds.PerCode.Count != labels)
        {
            throw new ArgumentException($"{thresholds.PerCode.Count} per-code thresholds for {labels} labels", nameof(thresholds));
        }

        var cut = new float[labels];
        for (int j = 0; j < labels; j++)
        {
            cut[j] = thresholds.For(j);
        }

        var tp = new int[labels];
        var fp = new int[labels];
        var fn = new int[labels];
        long unseen = 0;
        for (int i = 0; i < set.NoteCount; i++)
        {
            var row = set.Scores(i);
            var gold = set.GoldArray(i);
            int g = 0;
            for (int j = 0; j < labels; j++)
            {
                bool predicted = row[j] >= cut[j];
                bool isGold = g < gold.Length && gold[g] == j;
                if (isGold)
                {
                    g++;
                    (predicted ? tp : fn)[j]++;
                }
                else if (predicted)
                {
                    fp[j]++;
                }
            }

            unseen += set.UnseenGoldCount(i);
        }

        return new ConfusionCounts(tp, fp, fn, unseen);
    }

    /// <summary>Number of labels L.</summary>
    public int LabelCount => truePositives.Length;

    /// <summary>True positives per label.</summary>
    public IReadOnlyList<int> TruePositives => truePositives;

    /// <summary>False positives per label.</summary>
    public IReadOnlyList<int> FalsePositives => falsePositives;

    /// <summary>False negatives per label (gold codes of the label set that were not predicted).</summary>
    public IReadOnlyList<int> FalseNegatives => falseNegatives;

    /// <summary>Gold codes outside the label set: misses no threshold can avoid.</summary>
    public long UnseenMisses { get; }

    /// <summary>Pooled true positives.</summary>
    public long TotalTruePositives { get; }

    /// <summary>Pooled false positives.</summary>
    public long TotalFalsePositives { get; }

    /// <summary>Pooled false negatives, including <see cref="UnseenMisses"/>.</summary>
    public long TotalFalseNegatives { get; }

    /// <summary>Labels with at least one gold note in the set: the labels the macro metrics average over.</summary>
    public int PresentLabelCount { get; }

    /// <summary>Pooled precision TP / (TP + FP); 0 when nothing is predicted.</summary>
    public double MicroPrecision => Ratio(TotalTruePositives, TotalTruePositives + TotalFalsePositives);

    /// <summary>Pooled recall TP / (TP + FN), unseen gold codes included in FN; 0 when there is no gold code.</summary>
    public double MicroRecall => Ratio(TotalTruePositives, TotalTruePositives + TotalFalseNegatives);

    /// <summary>Pooled F1 = 2 TP / (2 TP + FP + FN); 0 when TP = 0.</summary>
    public double MicroF1 => F1(TotalTruePositives, TotalFalsePositives, TotalFalseNegatives);

    /// <summary>Mean per-label precision over the present labels (0 for a label never predicted); NaN if none is present.</summary>
    public double MacroPrecision => MeanOverPresent(LabelPrecision, _ => true).Mean;

    /// <summary>Mean per-label recall over the present labels; NaN if none is present.</summary>
    public double MacroRecall => MeanOverPresent(LabelRecall, _ => true).Mean;

    /// <summary>Mean per-label F1 over the present labels (F1 = 0 where TP = 0); NaN if none is present.</summary>
    public double MacroF1 => MeanOverPresent(LabelF1, _ => true).Mean;

    /// <summary>Whether the label has at least one gold note in the set.</summary>
    public bool IsPresent(int label) => truePositives[label] + falseNegatives[label] > 0;

    /// <summary>Precision of one label; 0 when it is never predicted.</summary>
    public double LabelPrecision(int label) => Ratio(truePositives[label], truePositives[label] + falsePositives[label]);

    /// <summary>Recall of one label; 0 when it has no gold note.</summary>
    public double LabelRecall(int label) => Ratio(truePositives[label], truePositives[label] + falseNegatives[label]);

    /// <summary>F1 of one label; 0 when it has no true positive.</summary>
    public double LabelF1(int label) => F1(truePositives[label], falsePositives[label], falseNegatives[label]);

    /// <summary>
    /// Macro-F1 within each training-frequency bucket: per bucket, the mean F1 of its labels that are present in the set.
    /// </summary>
    /// <param name="trainingFrequencies">Per label, the number of training notes carrying it.</param>
    /// <param name="buckets">The buckets, e.g. <see cref="FrequencyBucket.Default"/>.</param>
    public IReadOnlyList<BucketF1> MacroF1ByBucket(IReadOnlyList<int> trainingFrequencies, IReadOnlyList<FrequencyBucket> buckets)
    {
        ArgumentNullException.ThrowIfNull(trainingFrequencies);
        ArgumentNullException.ThrowIfNull(buckets);
        if (trainingFrequencies.Count != LabelCount)
        {
            throw new ArgumentException($"{trainingFrequencies.Count} training frequencies for {LabelCount} labels", nameof(trainingFrequencies));
        }

        return [.. buckets.Select(bucket =>
        {
            int members = Enumerable.Range(0, LabelCount).Count(j => bucket.Contains(trainingFrequencies[j]));
            var (mean, present) = MeanOverPresent(LabelF1, j => bucket.Contains(trainingFrequencies[j]));
            return new BucketF1(bucket, members, present, mean);
        })];
    }

    private (double Mean, int Count) MeanOverPresent(Func<int, double> metric, Func<int, bool> include)
    {
        double sum = 0;
        int count = 0;
        for (int j = 0; j < LabelCount; j++)
        {
            if (IsPresent(j) && include(j))
            {
                sum += metric(j);
                count++;
            }
        }

        return (count == 0 ? double.NaN : sum / count, count);
    }

    private static double Ratio(long numerator, long denominator) => denominator == 0 ? 0 : (double)numerator / denominator;

    private static double F1(long tp, long fp, long fn) => tp == 0 ? 0 : 2.0 * tp / ((2 * tp) + fp + fn);
}
