using PlantFunctions.Model.Networks;
using PlantFunctions.Model.Ranking;
using PlantFunctions.Model.Training;
using static TorchSharp.torch;

namespace PlantFunctions.Model.Tests.Training;

[Collection(TorchCollection.Name)]
public sealed class ClassifierTrainerTests
{
    private const int Vocab = 30, Codes = 3, Features = 4;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void FirstEpoch_TrainsTheEncoder_UnlessGraduallyUnfrozen(bool gradual)
    {
        manual_seed(4);
        using var encoder = new AwdLstm(Vocab, Features, 8, 2);
        using var decoder = new PlantDecoder(Codes, Features, new DotScorer(Vocab, Codes, Features), new DecoderSwitches(false, true, false, 4));
        using var model = new PlantClassifier(encoder, decoder, NetworkConfig.Tiny with { EmbeddingSize = Features, HiddenSize = 8, Layers = 2 });
        var random = new Random(7);
        var notes = Enumerable.Range(0, 6)
            .Select(i => new EncodedNote($"n{i}", [.. Enumerable.Range(0, 12).Select(_ => 3 + random.Next(Vocab - 3))], [], [i % Codes], 0))
            .ToList();
        var encoderBefore = Copies(encoder.parameters());
        var headBefore = Copies(decoder.HeadParameters());
        var trainer = new ClassifierTrainer(new ClassifierOptions { Epochs = 2, BatchSize = 3 }, new TrainingOptions { GradualUnfreezing = gradual }, CPU);

        Assert.True(trainer.Refit(model, notes, staticAttention: null, epochs: 1, resume: null, epochDone: null, progress: null, stepDone: null));

        Assert.True(Moved(decoder.HeadParameters(), headBefore), "the decoder head did not train in the first epoch");
        Assert.Equal(!gradual, Moved(encoder.parameters(), encoderBefore));
    }

    private static List<Tensor> Copies(IEnumerable<TorchSharp.Modules.Parameter> parameters) => [.. parameters.Select(p => p.detach().clone())];

    private static bool Moved(IEnumerable<TorchSharp.Modules.Parameter> parameters, List<Tensor> before) =>
        parameters.Zip(before).Any(p => !p.First.equal(p.Second).all().item<bool>());
}
