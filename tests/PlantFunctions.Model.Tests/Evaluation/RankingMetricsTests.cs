using PlantFunctions.Model.Evaluation;

namespace PlantFunctions.Model.Tests.Evaluation;

public sealed class RankingMetricsTests
{
    // Ranking: label 0 (0.9), 2 (0.8), 4 (0.7), 3 (0.3), 5 (0.2), 1 (0.1). Gold labels 2 and 3 sit at ranks 2 and 4.
    private static readonly float[] Scores = [0.9f, 0.1f, 0.8f, 0.3f, 0.7f, 0.2f];

    [Fact]
    public void MeanAveragePrecision_NoUnseenCodes_AveragesPrecisionAtGoldRanks()
    {
        var set = new EvaluationSet([Scores], [[2, 3]]);

        // (1/2 + 2/4) / 2
        Assert.Equal(0.5, RankingMetrics.MeanAveragePrecision(set), 12);
    }

    [Fact]
    public void MeanAveragePrecision_UnseenCodes_CountInTheDenominator()
    {
        var set = new EvaluationSet([Scores], [[2, 3]], [1]);

        // (1/2 + 2/4) / 3: the unseen code is never retrieved.
        Assert.Equal(1.0 / 3.0, RankingMetrics.MeanAveragePrecision(set), 12);
    }

    [Theory]
    [InlineData(1, 0.0, 0.0)]
    [InlineData(2, 1.0 / 2, 1.0 / 3)]
    [InlineData(4, 2.0 / 4, 2.0 / 3)]
    [InlineData(5, 2.0 / 5, 2.0 / 3)]
    [InlineData(10, 2.0 / 10, 2.0 / 3)]
    public void PrecisionAndRecallAtK_UnseenCode_LowersRecallNotPrecision(int k, double precision, double recall)
    {
        var set = new EvaluationSet([Scores], [[2, 3]], [1]);

        var result = RankingMetrics.Compute(set, [k]);

        Assert.Equal(precision, result.PrecisionAtK[k], 12);
        Assert.Equal(recall, result.RecallAtK[k], 12);
    }

    [Fact]
    public void Compute_NoteWithoutGold_CountsForPrecisionButNotForRecallOrMap()
    {
        var set = new EvaluationSet([Scores, Scores], [[2, 3], []]);

        var result = RankingMetrics.Compute(set, [4]);

        Assert.Equal(1, result.NotesWithGold);
        Assert.Equal(0.5, result.MeanAveragePrecision, 12);
        Assert.Equal(1.0, result.RecallAtK[4], 12);
        Assert.Equal((0.5 + 0.0) / 2, result.PrecisionAtK[4], 12);
    }

    [Fact]
    public void Compute_NoteWithOnlyUnseenGold_ScoresZeroForRecallAndMap()
    {
        var set = new EvaluationSet([Scores, Scores], [[2, 3], []], [0, 2]);

        var result = RankingMetrics.Compute(set, [4]);

        Assert.Equal(2, result.NotesWithGold);
        Assert.Equal(0.5 / 2, result.MeanAveragePrecision, 12);
        Assert.Equal((1.0 + 0.0) / 2, result.RecallAtK[4], 12);
    }

    [Fact]
    public void Compute_EdinConvention_DropsUnseenCodesAndNotesLeftWithoutGold()
    {
        // Note 1: gold 2 and 3 plus one unseen code; note 2: only unseen gold; note 3: no gold at all.
        var set = new EvaluationSet([Scores, Scores, Scores], [[2, 3], [], []], [1, 2, 0]);

        var codiEsp = RankingMetrics.Compute(set, [4], RankingConvention.CodiEsp);
        var edin = RankingMetrics.Compute(set, [4], RankingConvention.Edin);

        // CodiEsp: AP of note 1 is (1/2 + 2/4) / 3, note 2 scores 0; P@4 averages over all three notes.
        Assert.Equal(((1.0 / 3.0) + 0) / 2, codiEsp.MeanAveragePrecision, 12);
        Assert.Equal(0.5 / 3, codiEsp.PrecisionAtK[4], 12);
        // Edin: only note 1 remains, its unseen code dropped: AP (1/2 + 2/4) / 2, P@4 2/4, R@4 1.
        Assert.Equal(1, edin.NotesWithGold);
        Assert.Equal(0.5, edin.MeanAveragePrecision, 12);
        Assert.Equal(0.5, edin.PrecisionAtK[4], 12);
        Assert.Equal(1.0, edin.RecallAtK[4], 12);
    }

    [Fact]
    public void Compute_LogitsBeyondFloatProbabilityRange_RankAsDistinct()
    {
        // As float32 probabilities all three are exactly 1.0 and would tie (label order would put gold label 2 last);
        // as logits, label 2 ranks first.
        float[] logits = [18f, 19f, 25f];
        float[] probabilities = [.. logits.Select(l => (float)(1 / (1 + Math.Exp(-l))))];
        Assert.All(probabilities, p => Assert.Equal(1f, p));

        var byLogit = RankingMetrics.Compute(new EvaluationSet([logits], [[2]]), [1]);
        var byProbability = RankingMetrics.Compute(new EvaluationSet([probabilities], [[2]]), [1]);

        Assert.Equal(1.0, byLogit.PrecisionAtK[1]);
        Assert.Equal(0.0, byProbability.PrecisionAtK[1]);
    }

    [Fact]
    public void Compute_TiedScores_LowerLabelIndexRanksFirst()
    {
        var set = new EvaluationSet([[0.5f, 0.5f, 0.5f, 0.1f]], [[1]]);

        var result = RankingMetrics.Compute(set, [1, 2]);

        Assert.Equal(0.5, result.MeanAveragePrecision, 12);
        Assert.Equal(0.0, result.PrecisionAtK[1]);
        Assert.Equal(0.5, result.PrecisionAtK[2], 12);
    }

    [Fact]
    public void Compute_NoGoldAnywhere_MapAndRecallAreNaN()
    {
        var set = new EvaluationSet([Scores], [[]]);

        var result = RankingMetrics.Compute(set, [5]);

        Assert.True(double.IsNaN(result.MeanAveragePrecision));
        Assert.True(double.IsNaN(result.RecallAtK[5]));
        Assert.Equal(0.0, result.PrecisionAtK[5]);
    }

    [Theory]
    [InlineData(11, 25, 30, 7)]
    [InlineData(12, 10, 200, 3)]
    [InlineData(13, 40, 9, 2)]
    public void Compute_RandomTiedScores_MatchesFullSortBruteForce(int seed, int notes, int labels, int levels)
    {
        var set = BruteForce.RandomSet(seed, notes, labels, levels);

        var result = RankingMetrics.Compute(set, [1, 5, 8, 15]);

        Assert.Equal(BruteForce.MeanAveragePrecision(set), result.MeanAveragePrecision, 12);
        foreach (int k in new[] { 1, 5, 8, 15 })
        {
            Assert.Equal(BruteForce.PrecisionAtK(set, k), result.PrecisionAtK[k], 12);
            Assert.Equal(BruteForce.RecallAtK(set, k), result.RecallAtK[k], 12);
        }
    }
}
