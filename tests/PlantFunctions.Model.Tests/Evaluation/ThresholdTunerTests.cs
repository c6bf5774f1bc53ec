using PlantFunctions.Model.Evaluation;

namespace PlantFunctions.Model.Tests.Evaluation;

public sealed class ThresholdTunerTests
{
    [Theory]
    [InlineData(0, 0.8)] // candidates: 0.9 -> 2/3, 0.8 -> 2/4, 0.3 -> 4/5, 0.2 -> 4/6
    [InlineData(2, 4.0 / 7)] // with two unseen gold codes: 2/5, 2/6, 4/7, 4/8
    public void TuneGlobal_OneNote_FindsHandComputedOptimum(int unseen, double expectedF1)
    {
        var set = new EvaluationSet([[0.9f, 0.8f, 0.3f, 0.2f]], [[0, 2]], [unseen]);

        var tuned = ThresholdTuner.TuneGlobal(set);

        Assert.Equal(0.3f, tuned.Global);
        Assert.Equal(expectedF1, tuned.TunedMicroF1!.Value, 12);
        Assert.Null(tuned.PerCode);
    }

    [Theory]
    [InlineData(21, 20, 15, 7, 0.2)]
    [InlineData(22, 8, 60, 11, 0.05)]
    [InlineData(23, 40, 6, 3, 0.4)]
    [InlineData(24, 15, 25, 101, 0.1)]
    public void TuneGlobal_RandomSets_MatchesExhaustiveScanOverDistinctScores(int seed, int notes, int labels, int levels, double goldRate)
    {
        var set = BruteForce.RandomSet(seed, notes, labels, levels, goldRate);
        float bestThreshold = float.NaN;
        double bestF1 = -1;
        foreach (float candidate in BruteForce.DistinctScoresDescending(set))
        {
            double f1 = BruteForce.MicroF1(set, candidate);
            if (f1 > bestF1)
            {
                (bestThreshold, bestF1) = (candidate, f1);
            }
        }

        var tuned = ThresholdTuner.TuneGlobal(set);

        Assert.Equal(bestThreshold, tuned.Global);
        Assert.Equal(bestF1, tuned.TunedMicroF1!.Value, 12);
        Assert.Equal(bestF1, ConfusionCounts.Count(set, tuned.Global).MicroF1, 12);
    }

    [Theory]
    [InlineData(31, 6, 30, 7)]
    [InlineData(32, 12, 20, 51)]
    public void TunePerCode_RandomSets_EachCodeMatchesExhaustiveScanAndUnseenCodesKeepGlobal(int seed, int notes, int labels, int levels)
    {
        var set = BruteForce.RandomSet(seed, notes, labels, levels, goldRate: 0.08);
        var global = ThresholdTuner.TuneGlobal(set);

        var tuned = ThresholdTuner.TunePerCode(set);

        Assert.Equal(global.Global, tuned.Global);
        Assert.NotNull(tuned.PerCode);
        int withoutPositives = 0;
        for (int label = 0; label < labels; label++)
        {
            var column = Enumerable.Range(0, notes).Select(i => set.Scores(i)[label]).Distinct().OrderDescending();
            bool hasPositives = Enumerable.Range(0, notes).Any(i => set.Gold(i).Contains(label));
            if (!hasPositives)
            {
                withoutPositives++;
                Assert.Equal(global.Global, tuned.PerCode[label]);
                continue;
            }

            float bestThreshold = float.NaN;
            double bestF1 = -1;
            foreach (float candidate in column)
            {
                double f1 = BruteForce.LabelF1(set, label, candidate);
                if (f1 > bestF1)
                {
                    (bestThreshold, bestF1) = (candidate, f1);
                }
            }

            Assert.Equal(bestThreshold, tuned.PerCode[label]);
        }

        Assert.InRange(withoutPositives, 1, labels - 1);
    }

    [Fact]
    public void TuneGlobal_NoGoldInLabelSet_ReturnsFallbackWithZeroF1()
    {
        var set = new EvaluationSet([[0.9f, 0.8f]], [[]], [3]);

        Assert.Equal(new ThresholdSelection(0.5f, TunedMicroF1: 0), ThresholdTuner.TuneGlobal(set));
        Assert.Equal(0.25f, ThresholdTuner.TuneGlobal(set, fallback: 0.25f).Global);
    }

    [Fact]
    public void Tune_PerCodeFlag_SelectsTheMode()
    {
        var set = new EvaluationSet([[0.9f, 0.8f, 0.3f, 0.2f]], [[0, 2]]);

        Assert.Null(ThresholdTuner.Tune(set, perCode: false).PerCode);
        Assert.Equal([0.9f, 0.3f, 0.3f, 0.3f], ThresholdTuner.Tune(set, perCode: true).PerCode!);
    }
}
