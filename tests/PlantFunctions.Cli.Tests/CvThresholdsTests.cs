using PlantFunctions.Cli.Commands.Experiments;

namespace PlantFunctions.Cli.Tests;

/// <summary>Per-code thresholds on cross-validation's out-of-fold scores, on folds small enough to count by hand.</summary>
public sealed class CvThresholdsTests
{
    [Fact]
    public void ACodeOneFoldModelLacks_KeepsTheGlobalThreshold_InsteadOfBeingCalledOnEveryNote()
    {
        // Fold 0's model holds A and B; fold 1's model never saw B, so B's gold note there scores as absent (-1e9).
        // Tuned on fold 1, B's own best threshold would be that absent score, calling B on both notes of fold 0 (one
        // false positive); it keeps the global threshold (5, tuned on fold 1: A's one positive) and is called once, right.
        // Tuned on fold 0 for fold 1: A and B are perfect at 5 there. Both ways the per-code thresholds count exactly
        // what the global one does.
        var fold0 = new CvThresholds.FoldScores(42, 0, ["A", "B"], ["n1", "n2"], [[5f, -5f], [-5f, 5f]], [["A"], ["B"]]);
        var fold1 = new CvThresholds.FoldScores(42, 1, ["A"], ["n3", "n4", "n5", "n6"], [[5f], [-5f], [-5f], [-5f]], [["A", "B"], [], [], []]);

        var rows = CvThresholds.Rows("plant", [fold0, fold1]).ToDictionary(r => (string)r[1]!);

        double global = (double)rows["global"][3]!;
        Assert.Equal(2, rows["global"][2]);
        Assert.Equal((1.0 + (2.0 / 3.0)) / 2, global, 9); // fold 0: F1 1; fold 1: TP 1, FN 1 (B unscored)
        Assert.Equal(global, (double)rows["per code, m=0"][3]!, 9);
        Assert.Equal(global, (double)rows["per code, m=30"][3]!, 9);
    }
}
