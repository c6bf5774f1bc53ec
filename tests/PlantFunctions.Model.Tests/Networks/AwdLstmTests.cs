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
