using PlantFunctions.Model.Evaluation;

namespace PlantFunctions.Model.Tests.Evaluation;

public sealed class IcdEvaluatorTests
{
    private static readonly float[][] Scores =
    [
        [0.9f, 0.6f, 0.1f, 0.2f],
        [0.4f, 0.7f, 0.5f, 0.3f],
        [0.8f, 0.55f, 0.3f, 0.6f],
    ];

    private static EvaluationSet Example() => new(Scores, [[0, 2], [0], [0, 1]], [1, 0, 0]);

    [Fact]
    public void ToDictionary_FixedThreshold_HasAllNamedMetricsWithComponentValues()
    {
        var set = Example();
        var options = new EvaluationOptions { TrainingFrequencies = [3, 60, 10, 4] };

        var metrics = IcdEvaluator.Evaluate(set, ThresholdSelection.Fixed(0.5f), options).ToDictionary();

        Assert.Equal(
            ["MAP", "P@5", "P@8", "P@15", "R@5", "R@8", "R@15", "MAP(Edin)", "P@5(Edin)", "P@8(Edin)", "P@15(Edin)", "microAUC", "macroAUC", "microF1", "macroF1", "microP", "microR",
             "macroP", "macroR", "macroF1[1-5]", "macroF1[6-50]", "macroF1[>50]", "threshold"],
            metrics.Keys);
        var ranking = RankingMetrics.Compute(set, [5, 8, 15]);
        Assert.Equal(ranking.MeanAveragePrecision, metrics["MAP"]);
        Assert.Equal(ranking.PrecisionAtK[8], metrics["P@8"]);
        Assert.Equal(ranking.RecallAtK[15], metrics["R@15"]);
        Assert.Equal(RankingMetrics.Compute(set, [5], RankingConvention.Edin).PrecisionAtK[5], metrics["P@5(Edin)"]);
        Assert.Equal(AucMetrics.MicroAuc(set), metrics["microAUC"]);
        Assert.Equal(AucMetrics.MacroAuc(set), metrics["macroAUC"]);
        Assert.Equal(6.0 / 13.0, metrics["microF1"], 12);
        Assert.Equal(1.3 / 3, metrics["macroF1"], 12);
        Assert.Equal(3.0 / 7.0, metrics["microP"], 12);
        Assert.Equal(0.5, metrics["microR"], 12);
        Assert.Equal(0.8, metrics["macroF1[1-5]"], 12);
        Assert.Equal(0.5, metrics["threshold"]);
    }

    [Fact]
    public void Evaluate_WithValidationSet_UsesThresholdTunedOnValidation()
    {
        var validation = new EvaluationSet([[0.9f, 0.8f, 0.3f, 0.2f]], [[0, 2]]);
        var test = Example();

        var report = IcdEvaluator.Evaluate(test, validation);

        Assert.Equal(0.3f, report.Thresholds.Global);
        Assert.Equal(0.8, report.Thresholds.TunedMicroF1!.Value, 12);
        Assert.Equal(ConfusionCounts.Count(test, 0.3f).MicroF1, report.MicroF1);
        Assert.NotEqual(ThresholdTuner.TuneGlobal(test).Global, report.Thresholds.Global);
    }

    [Fact]
    public void Evaluate_SameSetForValidationAndTest_MatchesSeparateComputations()
    {
        var set = BruteForce.RandomSet(seed: 41, notes: 30, labels: 20);

        var report = IcdEvaluator.Evaluate(set, set, new EvaluationOptions { PerCodeThresholds = true });

        var tuned = ThresholdTuner.TunePerCode(set);
        Assert.Equal(tuned.Global, report.Thresholds.Global);
        Assert.Equal(tuned.PerCode!, report.Thresholds.PerCode!);
        Assert.Equal(ConfusionCounts.Count(set, tuned).MicroF1, report.MicroF1);
        Assert.Equal(AucMetrics.MicroAuc(set), report.MicroAuc);
        Assert.Empty(report.BucketMacroF1);
    }

    [Fact]
    public void ToDictionary_UndefinedMetrics_AreLeftOut()
    {
        var set = new EvaluationSet([[0.9f, 0.1f]], [[]]);

        var metrics = IcdEvaluator.Evaluate(set, ThresholdSelection.Fixed(0.5f)).ToDictionary();

        Assert.DoesNotContain("MAP", metrics.Keys);
        Assert.DoesNotContain("R@8", metrics.Keys);
        Assert.DoesNotContain("microAUC", metrics.Keys);
        Assert.DoesNotContain("macroF1", metrics.Keys);
        Assert.Equal(0.0, metrics["P@5"]);
        Assert.Equal(0.0, metrics["microF1"]);
    }

    [Fact]
    public void ToTable_Report_ListsEveryMetricWithFourDecimals()
    {
        var options = new EvaluationOptions { TrainingFrequencies = [3, 60, 10, 0] };

        string table = IcdEvaluator.Evaluate(Example(), ThresholdSelection.Fixed(0.5f), options).ToTable();

        Assert.Contains("3 notes (3 with gold codes), 4 labels (3 present)", table, StringComparison.Ordinal);
        Assert.Contains("thresholds: global, fixed", table, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^microF1\s+0\.4615$", table);
        Assert.Matches(@"(?m)^macroF1\[1-5\]\s+0\.8000  \(1 of 1 labels present\)$", table);
        Assert.Matches(@"(?m)^threshold\s+0\.5000$", table);
    }

    [Fact]
    public void Evaluate_FlatAndJaggedScores_GiveTheSameReport()
    {
        var jagged = Example();
        var flat = new EvaluationSet([.. Scores.SelectMany(r => r)], 4, [[0, 2], [0], [0, 1]], [1, 0, 0]);

        var fromJagged = IcdEvaluator.Evaluate(jagged, ThresholdSelection.Fixed(0.5f)).ToDictionary();
        var fromFlat = IcdEvaluator.Evaluate(flat, ThresholdSelection.Fixed(0.5f)).ToDictionary();

        Assert.Equal(fromJagged, fromFlat);
    }
}
