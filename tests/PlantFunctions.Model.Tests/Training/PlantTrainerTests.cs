using PlantFunctions.Model.Artifacts;
using PlantFunctions.Model.Training;
using static TorchSharp.torch;

namespace PlantFunctions.Model.Tests.Training;

[Collection(TorchCollection.Name)]
public sealed class PlantTrainerTests(TinyModelFixture trained) : IClassFixture<TinyModelFixture>
{
    [Fact]
    public void Train_ReportsEveryPhaseInOrderAndValidationMetrics()
    {
        var phases = trained.Progress.Select(p => p.Phase).Distinct().ToList();

        Assert.Equal([TrainingPhase.Preparing, TrainingPhase.LanguageModel, TrainingPhase.Priors, TrainingPhase.Ranker, TrainingPhase.Classifier, TrainingPhase.Done], phases);
        Assert.Contains(trained.Progress, p => p.Phase == TrainingPhase.LanguageModel && p.Metrics.ContainsKey("perplexity"));
        var ranker = trained.Progress.Last(p => p.Phase == TrainingPhase.Ranker);
        Assert.All(new[] { "heldOutNDCG@15", "untrained", "rareCodes" }, key => Assert.InRange(ranker.Metrics[key], 0.0, 1.0));
        Assert.Contains(trained.Progress, p => p.Phase == TrainingPhase.Classifier && p.Epoch == 3 && p.Metrics.ContainsKey("MAP"));
        Assert.InRange(trained.Result.Metrics["MAP"], 0.5, 1.0);
    }

    [Fact]
    public void Train_InterruptedMidClassifierAndResumed_EqualsTheUninterruptedRun()
    {
        var checkpoints = new TinyTraining.MemoryCheckpoints();
        using var cancel = new CancellationTokenSource();
        var progress = new TinyModelFixture.SyncProgress(p =>
        {
            if (p.Phase == TrainingPhase.Classifier && p.Epoch == 2 && p.Step == 1)
            {
                cancel.Cancel();   // dies in the middle of epoch 2: epoch 1 is checkpointed, epoch 2 is not
            }
        });

        Assert.ThrowsAny<OperationCanceledException>(() => new PlantTrainer().Train(TinyTraining.Request(), checkpoints, progress, cancel.Token));
        Assert.NotNull(checkpoints.Stored);
        var resumed = new PlantTrainer().Train(TinyTraining.Request(), checkpoints, new TinyModelFixture.SyncProgress(_ => { }));

        using var expected = ModelArtifact.Read(new MemoryStream(trained.Result.ModelFile));
        using var actual = ModelArtifact.Read(new MemoryStream(resumed.ModelFile));
        var expectedWeights = expected.Model.state_dict();
        foreach (var (name, tensor) in actual.Model.state_dict())
        {
            Assert.True(tensor.equal(expectedWeights[name]).all().item<bool>(), $"{name} differs after resuming");
        }

        Assert.Equal(trained.Result.Metrics["MAP"], resumed.Metrics["MAP"], 6);
    }

    [Fact]
    public void Train_InterruptedInTheSecondLanguageModelEpochAndResumed_EqualsTheUninterruptedRun()
    {
        var options = TinyTraining.Options with { LanguageModelEpochs = 2, ClassifierEpochs = 1 };
        var uninterrupted = new PlantTrainer().Train(TinyTraining.Request(options), new TinyTraining.MemoryCheckpoints(), new TinyModelFixture.SyncProgress(_ => { }));
        var checkpoints = new TinyTraining.MemoryCheckpoints();
        using var cancel = new CancellationTokenSource();
        var progress = new TinyModelFixture.SyncProgress(p =>
        {
            if (p.Phase == TrainingPhase.LanguageModel && p.Epoch == 2 && p.Step == 1)
            {
                cancel.Cancel();
            }
        });

        Assert.ThrowsAny<OperationCanceledException>(() => new PlantTrainer().Train(TinyTraining.Request(options), checkpoints, progress, cancel.Token));
        var resumed = new PlantTrainer().Train(TinyTraining.Request(options), checkpoints, new TinyModelFixture.SyncProgress(_ => { }));

        using var expected = ModelArtifact.Read(new MemoryStream(uninterrupted.ModelFile));
        using var actual = ModelArtifact.Read(new MemoryStream(resumed.ModelFile));
        var expectedWeights = expected.Model.state_dict();
        foreach (var (name, tensor) in actual.Model.state_dict())
        {
            Assert.True(tensor.equal(expectedWeights[name]).all().item<bool>(), $"{name} differs after resuming the language model");
        }
    }
}
