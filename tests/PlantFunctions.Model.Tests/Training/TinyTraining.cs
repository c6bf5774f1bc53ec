using PlantFunctions.Model.Artifacts;
using PlantFunctions.Model.Notes;
using PlantFunctions.Model.Synthetic;
using PlantFunctions.Model.Training;

namespace PlantFunctions.Model.Tests.Training;

/// <summary>A small synthetic corpus and the tiny-preset options every end-to-end model test uses.</summary>
internal static class TinyTraining
{
    internal static readonly SyntheticCorpus Corpus = new(new SyntheticCorpusOptions
    {
        Documents = 160, VocabularySize = 400, Codes = 16, MedianWords = 60, MedianCodesPerDocument = 2, Seed = 3,
    });

    internal static TrainingOptions Options { get; } = new()
    {
        Preset = "tiny", LanguageModelEpochs = 1, RankerEpochs = 2, ClassifierEpochs = 3, Seed = 9,
    };

    internal static TrainingRequest Request(TrainingOptions? options = null) => new(
        "synthetic", [.. Corpus.Notes(0, 130)], [.. Corpus.Notes(130, 30)], null, null, options ?? Options);

    internal static IReadOnlyList<ClinicalNote> Unseen => [.. Corpus.Notes(130, 30)];

    /// <summary>Asserts that two model files hold the same tensors, bit for bit, naming the first that differs.</summary>
    internal static void AssertSameWeights(byte[] expectedModelFile, byte[] actualModelFile, string after)
    {
        using var expected = ModelArtifact.Read(new MemoryStream(expectedModelFile));
        using var actual = ModelArtifact.Read(new MemoryStream(actualModelFile));
        var expectedWeights = expected.Model.state_dict();
        Assert.Equal(expectedWeights.Keys.Order(), actual.Model.state_dict().Keys.Order());
        foreach (var (name, tensor) in actual.Model.state_dict())
        {
            Assert.True(tensor.equal(expectedWeights[name]).all().item<bool>(), $"{name} differs {after}");
        }
    }

    /// <summary>Checkpoints kept in memory.</summary>
    internal sealed class MemoryCheckpoints : ITrainingCheckpoints
    {
        public byte[]? Stored { get; private set; }

        public int Saves { get; private set; }

        public byte[]? Load() => Stored;

        public void Save(byte[] checkpoint)
        {
            Stored = checkpoint;
            Saves++;
        }
    }
}
