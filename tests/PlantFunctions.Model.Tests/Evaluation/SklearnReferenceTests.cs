using PlantFunctions.Model.Evaluation;

namespace PlantFunctions.Model.Tests.Evaluation;

/// <summary>
/// Expected values computed once with scikit-learn 1.2.1 (Debian python3-sklearn) on the same float32 matrix:
/// roc_auc_score(y.ravel(), s.ravel()); mean of roc_auc_score(y[:, j], s[:, j]) over labels with both classes;
/// f1_score / precision_score / recall_score of (s &gt;= 0.5) with average="micro", and average="macro" with
/// labels = present labels and zero_division = 0.
/// </summary>
public sealed class SklearnReferenceTests
{
    private static EvaluationSet Set() => new(
        [
            [0.9f, 0.5f, 0.5f, 0.1f, 0.3f],
            [0.5f, 0.2f, 0.9f, 0.5f, 0.3f],
            [0.7f, 0.7f, 0.1f, 0.5f, 0.6f],
            [0.2f, 0.5f, 0.5f, 0.9f, 0.3f],
            [0.5f, 0.1f, 0.3f, 0.3f, 0.8f],
            [0.6f, 0.5f, 0.2f, 0.5f, 0.3f],
        ],
        [[0, 1], [2, 3], [0, 4], [3], [4, 0], [1]]);

    [Fact]
    public void MicroAucAndMacroAuc_TiedScores_EqualSklearnRocAucScore()
    {
        var set = Set();

        Assert.Equal(0.89, AucMetrics.MicroAuc(set), 12);
        Assert.Equal(0.8666666666666666, AucMetrics.MacroAuc(set), 12);
    }

    [Fact]
    public void ConfusionCounts_ThresholdHalf_EqualSklearnScores()
    {
        var counts = ConfusionCounts.Count(Set(), 0.5f);

        Assert.Equal(0.7142857142857143, counts.MicroF1, 12);
        Assert.Equal(0.7166666666666666, counts.MacroF1, 12);
        Assert.Equal(0.5866666666666667, counts.MacroPrecision, 12);
        Assert.Equal(1.0, counts.MacroRecall, 12);
    }
}
