using PlantFunctions.Model.Evaluation;
using PlantFunctions.Model.Labels;

namespace PlantFunctions.Model.Tests.Evaluation;

public sealed class EvaluationSetTests
{
    [Fact]
    public void FromCodes_CodesOutsideLabelSet_CountAsUnseen()
    {
        var labels = new LabelSet(["A01", "B02", "C03"]);

        var set = EvaluationSet.FromCodes(
            [[0.1f, 0.2f, 0.3f], [0.4f, 0.5f, 0.6f]],
            [["C03", "A01", "Z99", "A01"], ["Y11", "X22"]],
            labels);

        Assert.Equal([0, 2], set.Gold(0));
        Assert.Equal(1, set.UnseenGoldCount(0));
        Assert.Equal(3, set.TotalGoldCount(0));
        Assert.Empty(set.Gold(1));
        Assert.Equal(2, set.UnseenGoldCount(1));
    }

    [Fact]
    public void Constructor_FlatScores_SplitsRowsByLabelCount()
    {
        var set = new EvaluationSet([1f, 2f, 3f, 4f, 5f, 6f], 3, [[2, 2, 0], []]);

        Assert.Equal(2, set.NoteCount);
        Assert.Equal(3, set.LabelCount);
        Assert.Equal([4f, 5f, 6f], set.Scores(1).ToArray());
        Assert.Equal([0, 2], set.Gold(0));
    }

    [Fact]
    public void Constructor_NaNScore_Throws()
    {
        Assert.Throws<ArgumentException>(() => new EvaluationSet([[0.1f, float.NaN]], [[0]]));
    }

    [Fact]
    public void Constructor_GoldLabelOutOfRange_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new EvaluationSet([[0.1f, 0.2f]], [[2]]));
    }

    [Fact]
    public void Constructor_RaggedRows_Throws()
    {
        Assert.Throws<ArgumentException>(() => new EvaluationSet([[0.1f, 0.2f], [0.3f]], [[0], [0]]));
    }

    [Fact]
    public void Constructor_GoldForWrongNumberOfNotes_Throws()
    {
        Assert.Throws<ArgumentException>(() => new EvaluationSet([1f, 2f, 3f, 4f], 2, [[0]]));
    }
}
