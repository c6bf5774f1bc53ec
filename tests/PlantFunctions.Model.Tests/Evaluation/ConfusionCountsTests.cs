using PlantFunctions.Model.Evaluation;

namespace PlantFunctions.Model.Tests.Evaluation;

public sealed class ConfusionCountsTests
{
    // At threshold 0.5 (inclusive):
    //   label 0: TP 2 (notes 0, 2), FN 1 (note 1)          -> P 1,   R 2/3, F1 4/5
    //   label 1: TP 1 (note 2), FP 2 (notes 0, 1)          -> P 1/3, R 1,   F1 1/2
    //   label 2: FP 1 (note 1, score exactly 0.5), FN 1    -> P 0,   R 0,   F1 0
    //   label 3: FP 1 (note 2), no gold note               -> not present: outside the macro averages
    //   note 0 has one unseen gold code: one more FN for the micro metrics.
    private static EvaluationSet Example() => new(
        [
            [0.9f, 0.6f, 0.1f, 0.2f],
            [0.4f, 0.7f, 0.5f, 0.3f],
            [0.8f, 0.55f, 0.3f, 0.6f],
        ],
        [[0, 2], [0], [0, 1]],
        [1, 0, 0]);

    [Fact]
    public void Count_GlobalThreshold_CountsPerLabelWithScoreEqualToThresholdPredicted()
    {
        var counts = ConfusionCounts.Count(Example(), 0.5f);

        Assert.Equal([2, 1, 0, 0], counts.TruePositives);
        Assert.Equal([0, 2, 1, 1], counts.FalsePositives);
        Assert.Equal([1, 0, 1, 0], counts.FalseNegatives);
        Assert.Equal(1, counts.UnseenMisses);
    }

    [Fact]
    public void MicroMetrics_UnseenGoldCode_CountsAsFalseNegative()
    {
        var counts = ConfusionCounts.Count(Example(), 0.5f);

        // TP 3, FP 4, FN 2 + 1 unseen.
        Assert.Equal(3.0 / 7.0, counts.MicroPrecision, 12);
        Assert.Equal(3.0 / 6.0, counts.MicroRecall, 12);
        Assert.Equal(6.0 / 13.0, counts.MicroF1, 12);
    }

    [Fact]
    public void MacroMetrics_LabelWithoutGold_IsLeftOut()
    {
        var counts = ConfusionCounts.Count(Example(), 0.5f);

        Assert.Equal(3, counts.PresentLabelCount);
        Assert.False(counts.IsPresent(3));
        Assert.Equal((0.8 + 0.5 + 0.0) / 3, counts.MacroF1, 12);
        Assert.Equal((1.0 + (1.0 / 3) + 0.0) / 3, counts.MacroPrecision, 12);
        Assert.Equal(((2.0 / 3) + 1.0 + 0.0) / 3, counts.MacroRecall, 12);
    }

    [Fact]
    public void Count_PerCodeThresholds_AppliesEachLabelsOwnThreshold()
    {
        var thresholds = new ThresholdSelection(0.5f, [0.9f, 0.6f, 0.1f, 0.7f]);

        var counts = ConfusionCounts.Count(Example(), thresholds);

        Assert.Equal([1, 0, 1, 0], counts.TruePositives);
        Assert.Equal([0, 2, 2, 0], counts.FalsePositives);
        Assert.Equal([2, 1, 0, 0], counts.FalseNegatives);
    }

    [Fact]
    public void MacroF1ByBucket_BucketsByTrainingFrequency_AveragePresentLabelsOnly()
    {
        var counts = ConfusionCounts.Count(Example(), 0.5f);

        // Label 0 seen 3 times, label 1 60, label 2 10, label 3 4 (in "1-5" but not present in the set).
        var buckets = counts.MacroF1ByBucket([3, 60, 10, 4], FrequencyBucket.Default);

        Assert.Equal(["1-5", "6-50", ">50"], buckets.Select(b => b.Bucket.Name));
        Assert.Equal([2, 1, 1], buckets.Select(b => b.LabelCount));
        Assert.Equal([1, 1, 1], buckets.Select(b => b.PresentLabelCount));
        Assert.Equal(0.8, buckets[0].MacroF1, 12);
        Assert.Equal(0.0, buckets[1].MacroF1, 12);
        Assert.Equal(0.5, buckets[2].MacroF1, 12);
    }

    [Fact]
    public void MacroF1ByBucket_BucketWithoutPresentLabels_IsNaN()
    {
        var counts = ConfusionCounts.Count(Example(), 0.5f);

        var buckets = counts.MacroF1ByBucket([3, 60, 10, 4], FrequencyBucket.FromUpperBounds(5, 50, 100));

        Assert.Equal(0, buckets[3].LabelCount);
        Assert.True(double.IsNaN(buckets[3].MacroF1));
        Assert.Equal(0.5, buckets[2].MacroF1, 12);
    }

    [Fact]
    public void MicroF1_NothingPredicted_IsZero()
    {
        var counts = ConfusionCounts.Count(Example(), 2f);

        Assert.Equal(0.0, counts.MicroF1);
        Assert.Equal(0.0, counts.MicroPrecision);
        Assert.Equal(0.0, counts.MacroF1);
    }

    [Fact]
    public void Count_PerCodeThresholdsOfWrongLength_Throws()
    {
        Assert.Throws<ArgumentException>(() => ConfusionCounts.Count(Example(), new ThresholdSelection(0.5f, [0.5f])));
    }
}
