using PlantFunctions.Model.Evaluation;
using PlantFunctions.Model.Notes;

namespace PlantFunctions.Model.Tests.Evaluation;

public sealed class CrossValidationFoldsTests
{
    [Theory]
    [InlineData(23, 5)]
    [InlineData(10, 2)]
    [InlineData(7, 7)]
    public void Split_HeldOutFoldsAreDisjoint_CoverEveryNote_AndEachTrainingPartIsTheRest(int count, int folds)
    {
        var notes = Enumerable.Range(0, count).Select(i => new ClinicalNote($"n{i:D3}", "text", ["A00"])).ToList();

        var split = CrossValidationFolds.Split(notes, folds, seed: 4);

        Assert.Equal(folds, split.Count);
        var heldOut = split.SelectMany(f => f.HeldOut.Select(n => n.Id)).ToList();
        Assert.Equal(notes.Select(n => n.Id).Order(), heldOut.Order());
        Assert.All(split, f => Assert.InRange(f.HeldOut.Count, count / folds, (count + folds - 1) / folds));
        Assert.All(split, f => Assert.Equal(notes.Select(n => n.Id).Except(f.HeldOut.Select(n => n.Id)).Order(), f.Train.Select(n => n.Id).Order()));
        Assert.Equal(split.Select(f => f.HeldOut.Select(n => n.Id).ToList()), CrossValidationFolds.Split(notes, folds, seed: 4).Select(f => f.HeldOut.Select(n => n.Id).ToList()));
        Assert.NotEqual(split.Select(f => string.Join(",", f.HeldOut.Select(n => n.Id))), CrossValidationFolds.Split(notes, folds, seed: 5).Select(f => string.Join(",", f.HeldOut.Select(n => n.Id))));
    }

    [Fact]
    public void Split_RepeatedIdOrTooManyFolds_Throws()
    {
        var notes = new[] { new ClinicalNote("a", "t", ["A00"]), new ClinicalNote("a", "u", ["A01"]), new ClinicalNote("b", "v", ["A02"]) };

        Assert.Throws<ArgumentException>(() => CrossValidationFolds.Split(notes, 2, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => CrossValidationFolds.Split(notes[1..], 3, 1));
    }
}
