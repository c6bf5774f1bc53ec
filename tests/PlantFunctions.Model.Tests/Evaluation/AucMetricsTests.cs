using PlantFunctions.Model.Evaluation;

namespace PlantFunctions.Model.Tests.Evaluation;

public sealed class AucMetricsTests
{
    [Fact]
    public void MicroAuc_TiedScores_CountHalfAPair()
    {
        // Positives 0.9, 0.5, 0.9; negatives 0.5, 0.5, 0.2. Each 0.9 beats all 3 negatives (6 pairs); the 0.5 positive
        // beats 0.2 and ties both 0.5s (1 + 2 * 0.5). AUC = 8 / 9.
        var set = new EvaluationSet(
            [[0.9f, 0.5f, 0.5f], [0.5f, 0.2f, 0.9f]],
            [[0, 1], [2]]);

        Assert.Equal(8.0 / 9.0, AucMetrics.MicroAuc(set), 12);
    }

    [Fact]
    public void MacroAuc_LabelsWithoutPositivesOrNegatives_AreLeftOut()
    {
        // Label 0: positives {0.8, 0.4}, negatives {0.4, 0.1} -> (2 + 0.5 + 1) / 4 = 0.875.
        // Label 1: positives {0.3, 0.6}, negatives {0.2, 0.7} -> 2 / 4 = 0.5.
        // Label 2 is gold in every note (no negatives), label 3 in none (no positives): both excluded.
        var set = new EvaluationSet(
            [
                [0.8f, 0.3f, 0.1f, 0.9f],
                [0.4f, 0.6f, 0.2f, 0.9f],
                [0.4f, 0.2f, 0.3f, 0.9f],
                [0.1f, 0.7f, 0.4f, 0.9f],
            ],
            [[0, 1, 2], [1, 2], [0, 2], [2]]);

        Assert.Equal((0.875 + 0.5) / 2, AucMetrics.MacroAuc(set), 12);
    }

    [Fact]
    public void MicroAuc_PerfectAndReversedRankings_OneAndZero()
    {
        var perfect = new EvaluationSet([[0.9f, 0.1f], [0.2f, 0.8f]], [[0], [1]]);
        var reversed = new EvaluationSet([[0.1f, 0.9f], [0.8f, 0.2f]], [[0], [1]]);

        Assert.Equal(1.0, AucMetrics.MicroAuc(perfect));
        Assert.Equal(0.0, AucMetrics.MicroAuc(reversed));
    }

    [Fact]
    public void MicroAuc_AllScoresEqual_IsOneHalf()
    {
        var set = new EvaluationSet([[0.3f, 0.3f, 0.3f], [0.3f, 0.3f, 0.3f]], [[0], [1, 2]]);

        Assert.Equal(0.5, AucMetrics.MicroAuc(set));
        Assert.Equal(0.5, AucMetrics.MacroAuc(set));
    }

    [Fact]
    public void MicroAucAndMacroAuc_NoPositives_AreNaN()
    {
        var set = new EvaluationSet([[0.3f, 0.6f]], [[]], [2]);

        Assert.True(double.IsNaN(AucMetrics.MicroAuc(set)));
        Assert.True(double.IsNaN(AucMetrics.MacroAuc(set)));
    }

    [Fact]
    public void MicroAuc_UnseenGoldCodes_DoNotChangeIt()
    {
        float[][] scores = [[0.9f, 0.5f, 0.5f], [0.5f, 0.2f, 0.9f]];
        var withoutUnseen = new EvaluationSet(scores, [[0, 1], [2]]);
        var withUnseen = new EvaluationSet(scores, [[0, 1], [2]], [3, 1]);

        Assert.Equal(AucMetrics.MicroAuc(withoutUnseen), AucMetrics.MicroAuc(withUnseen));
    }

    [Theory]
    [InlineData(1, 30, 12)]
    [InlineData(2, 7, 40)]
    [InlineData(3, 50, 5)]
    public void MicroAucAndMacroAuc_RandomTiedScores_MatchBruteForcePairCount(int seed, int notes, int labels)
    {
        var set = BruteForce.RandomSet(seed, notes, labels);

        Assert.Equal(BruteForce.MicroAuc(set), AucMetrics.MicroAuc(set), 12);
        Assert.Equal(BruteForce.MacroAuc(set), AucMetrics.MacroAuc(set), 12);
    }
}
