using PlantFunctions.Model.Networks;
using PlantFunctions.Model.Synthetic;
using PlantFunctions.Model.Text;
using PlantFunctions.Model.Training;
using static TorchSharp.torch;

namespace PlantFunctions.Model.Tests.Networks;

[Collection(TorchCollection.Name)]
public sealed class AwdLstmTests
{
    [Fact]
    public void WeightDropout_GradientIsThatOfTheMaskedWeightsTimesTheMask_AndRawWeightsComeBack()
    {
        manual_seed(4);
        using var encoder = new AwdLstm(vocabularySize: 20, embeddingSize: 6, hiddenSize: 8, layerCount: 2);
        encoder.train();
        encoder.Reset(3, DropoutSet.None);
        var weight = encoder.named_parameters().Single(p => p.name == "layers.0.weight_hh_l0").parameter;
        var raw = weight.detach().clone();
        using var tokens = randint(3, 20, [3, 5]);

        encoder.BeginWeightDropout(0.5);
        var masked = weight.detach().clone();
        encoder.forward(tokens).pow(2).sum().backward();
        var gradientOfMasked = weight.grad!.clone();
        encoder.EndWeightDropout();

        Assert.True(weight.equal(raw).all().item<bool>(), "raw weights restored");
        double dropped = (masked == 0).to_type(ScalarType.Float32).mean().item<float>();
        Assert.InRange(dropped, 0.3, 0.7);
        var expected = gradientOfMasked * (masked / raw);   // chain rule through w' = raw * mask / (1 - p)
        Assert.True(weight.grad!.allclose(expected, rtol: 1e-4, atol: 1e-6), "gradient scaled by the mask");
        Assert.True((weight.grad!.masked_select(masked == 0) == 0).all().item<bool>(), "dropped weights get no gradient");
    }

    [Fact]
    public void ResampleDropout_DrawsNewMasksAndKeepsTheState()
    {
        manual_seed(9);
        using var encoder = new AwdLstm(vocabularySize: 20, embeddingSize: 6, hiddenSize: 8, layerCount: 2);
        encoder.train();
        using var first = randint(3, 20, [2, 4]);
        using var second = randint(3, 20, [2, 4]);
        var dropouts = new DropoutSet(0, Input: 0.5, Hidden: 0.5, Weight: 0);

        // Same masks: the same input from zero state gives the same output; new masks give another.
        encoder.Reset(2, dropouts);
        var a = encoder.forward(first).detach().clone();
        encoder.ClearState();
        var b = encoder.forward(first).detach().clone();
        encoder.ClearState();
        encoder.ResampleDropout(2, dropouts);
        var c = encoder.forward(first).detach().clone();
        Assert.True(a.equal(b).all().item<bool>(), "masks are kept until redrawn");
        Assert.False(a.allclose(c), "redrawn masks change the output");

        // The state survives a redraw: without dropout, chunk 2 after a redraw equals chunk 2 straight after chunk 1.
        encoder.Reset(2, DropoutSet.None);
        encoder.forward(first);
        var straight = encoder.forward(second).detach().clone();
        encoder.Reset(2, DropoutSet.None);
        encoder.forward(first);
        encoder.ResampleDropout(2, DropoutSet.None);
        var afterRedraw = encoder.forward(second).detach().clone();
        Assert.True(straight.allclose(afterRedraw), "state carried across the redraw");
    }

    [Fact]
    public void LanguageModelTraining_DrawsDropoutMasksForEveryBatch()
    {
        var notes = new SyntheticCorpus(new SyntheticCorpusOptions { Documents = 40, VocabularySize = 100, MedianWords = 60, Seed = 3 }).Notes().ToList();
        var vocabulary = Vocabulary.Build(notes.Select(n => n.Text), new VocabularyOptions { MinCount = 1 });
        var encoded = notes.Select(n => vocabulary.Encode(n.Text)).ToList();
        manual_seed(2);
        var network = NetworkConfig.Tiny;
        using var model = new LanguageModel(new AwdLstm(vocabulary.Count, network.EmbeddingSize, network.HiddenSize, network.Layers));
        var trainer = new LanguageModelTrainer(new LanguageModelOptions { Epochs = 1, BatchSize = 4, ValidationFraction = 0.1 }, network);
        int steps = 0;

        trainer.Train(model, encoded, stepDone: (_, _, _) => steps++);

        Assert.True(steps > 5, $"{steps} steps");
        Assert.Equal(steps, model.Encoder.MaskDraws);
    }

    [Fact]
    public void LanguageModel_TrainingOnSyntheticNotes_LowersValidationPerplexity()
    {
        var notes = new SyntheticCorpus(new SyntheticCorpusOptions { Documents = 120, VocabularySize = 200, MedianWords = 80, Seed = 5 }).Notes().ToList();
        var vocabulary = Vocabulary.Build(notes.Select(n => n.Text), new VocabularyOptions { MinCount = 1 });
        var encoded = notes.Select(n => vocabulary.Encode(n.Text)).ToList();
        manual_seed(2);
        var network = NetworkConfig.Tiny;
        using var model = new LanguageModel(new AwdLstm(vocabulary.Count, network.EmbeddingSize, network.HiddenSize, network.Layers));
        var trainer = new LanguageModelTrainer(new LanguageModelOptions { Epochs = 3, BatchSize = 8, LearningRate = 1e-2, ValidationFraction = 0.1 }, network);
        double before = trainer.Perplexity(model, encoded.TakeLast(12).ToList());

        var epochs = trainer.Train(model, encoded);

        Assert.Equal(3, epochs.Count);
        Assert.True(epochs[^1].ValidationPerplexity < before * 0.7, $"perplexity {before:F0} -> {epochs[^1].ValidationPerplexity:F0}");
        Assert.True(epochs[^1].TrainLoss < epochs[0].TrainLoss);
    }
}
