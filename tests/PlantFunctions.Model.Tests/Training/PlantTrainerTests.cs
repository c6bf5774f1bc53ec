using PlantFunctions.Model.Artifacts;
using PlantFunctions.Model.Coding;
using PlantFunctions.Model.Labels;
using PlantFunctions.Model.Notes;
using PlantFunctions.Model.Training;
using static TorchSharp.torch;

namespace PlantFunctions.Model.Tests.Training;

[Collection(TorchCollection.Name)]
public sealed class PlantTrainerTests(TinyModelFixture trained) : IClassFixture<TinyModelFixture>
{
    [Fact]
    public void Train_WithCategorySharing_LearnsTheCategoryRowsAndTheModelFileKeepsThem()
    {
        var options = TinyTraining.Options with { CategorySharing = true, ClassifierEpochs = 2, Refit = false };
        var result = new PlantTrainer().Train(TinyTraining.Request(options), new TinyTraining.MemoryCheckpoints(), new TinyModelFixture.SyncProgress(_ => { }));

        using var model = ModelArtifact.Read(new MemoryStream(result.ModelFile));
        var decoder = model.Model.Decoder;
        Assert.True(model.Manifest.Training.CategorySharing);
        // The synthetic codes S00000-S00015 all fall in category "s00": one group, rows that started at zero and moved.
        Assert.Equal(1, CodeCategories.Of(model.Labels.Codes).Count);
        Assert.Equal([1L, decoder.LabelAttention.shape[1]], decoder.CategoryAttention!.shape);
        Assert.True(decoder.CategoryAttention.abs().sum().item<float>() > 0, "the category's attention row never moved from zero");
        Assert.True(decoder.CategoryBoost!.abs().sum().item<float>() > 0, "the category's output row never moved from zero");
    }

    [Fact]
    public void Train_WithTheAssertionTerm_LearnsANegativeWeightWhereNegatedMentionsCarryNoCode_AndTheCoderUsesIt()
    {
        // Each symptom is coded when the note states it and not when the note negates it ("no fever"): the gradient on the
        // negated weight is the negated share on notes without the code, so the weight must fall below zero.
        var random = new Random(4);
        string[] filler = ["patient", "seen", "clinic", "today", "reports", "stable", "mild", "pain", "during", "visit", "after", "walking"];
        var symptoms = new[] { ("fever", "R50.9"), ("cough", "R05"), ("rash", "R21") };
        var notes = new List<ClinicalNote>();
        for (int i = 0; i < 150; i++)
        {
            var sentences = new List<string>();
            var codes = new List<string>();
            foreach (var (word, code) in symptoms)
            {
                double roll = random.NextDouble();
                string words = string.Join(' ', Enumerable.Range(0, 6).Select(_ => filler[random.Next(filler.Length)]));
                if (roll < 0.45)
                {
                    sentences.Add($"{words} with {word}.");
                    codes.Add(code);
                }
                else if (roll < 0.8)
                {
                    sentences.Add($"{words}, no {word}.");
                }
            }

            notes.Add(new ClinicalNote($"n{i:D3}", string.Join(' ', sentences), codes.Count > 0 ? codes : ["Z00.00"]));
        }

        var options = TinyTraining.Options with { AssertionTerm = true, ClassifierEpochs = 12, Refit = false };
        var result = new PlantTrainer().Train(new TrainingRequest("negation", [.. notes.Take(120)], [.. notes.Skip(120)], null, null, options),
            new TinyTraining.MemoryCheckpoints(), new TinyModelFixture.SyncProgress(_ => { }));

        using var model = ModelArtifact.Read(new MemoryStream(result.ModelFile));
        Assert.True(model.Manifest.Training.AssertionTerm);
        float negated = model.Model.Decoder.AssertionWeights![0].item<float>();
        Assert.True(negated < 0, $"the negated weight is {negated}");
        using var coder = new PlantCoder(model, CPU);
        var coded = coder.Code([new ClinicalNote("q1", "patient seen today, no fever."), new ClinicalNote("q2", "patient seen today with fever.")],
            new CodingOptions { MinCodes = 5, MaxCodes = 5, EvidenceTokens = 0 });
        float Fever(CodedNote note) => note.Codes.Single(c => c.Code == "R50.9").Probability;
        Assert.True(Fever(coded[0]) < Fever(coded[1]), $"no fever {Fever(coded[0])}, fever {Fever(coded[1])}");
    }

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

        TinyTraining.AssertSameWeights(trained.Result.ModelFile, resumed.ModelFile, "after resuming");

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

        TinyTraining.AssertSameWeights(uninterrupted.ModelFile, resumed.ModelFile, "after resuming the language model");
    }
}
