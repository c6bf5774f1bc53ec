using PlantFunctions.Model.Artifacts;
using PlantFunctions.Model.Labels;
using PlantFunctions.Model.Priors;
using PlantFunctions.Model.Ranking;
using PlantFunctions.Model.Synthetic;
using PlantFunctions.Model.Text;
using static TorchSharp.torch;

namespace PlantFunctions.Model.Tests.Artifacts;

[Collection(TorchCollection.Name)]
public sealed class PriorsArtifactTests
{
    [Theory]
    [InlineData(RankerKind.Dot)]
    [InlineData(RankerKind.FeedForward)]
    public void ToBytesRead_RoundTripsPriorsRankerAndHashesBitExactly(RankerKind kind)
    {
        var notes = new SyntheticCorpus(new SyntheticCorpusOptions { Documents = 100, Codes = 10, VocabularySize = 300, MedianWords = 50 }).Notes().ToList();
        var vocabulary = Vocabulary.Build(notes.Select(n => n.Text), new VocabularyOptions { MinCount = 1 });
        var labels = LabelSet.FromCodes(notes.Select(n => n.Codes!));
        var presence = PresenceCorpus.Build(notes, vocabulary, labels);
        var priors = PriorComputation.Compute(presence, vocabulary, labels, new PriorOptions { Measure = RelevanceMeasure.Normalized });
        var options = new RankerOptions { Kind = kind, Epochs = 2, Dimension = 8, Hidden = 4 };
        manual_seed(3);
        var ranker = PriorsArtifact.CreateRanker(options, vocabulary.Count, labels.Count);
        var report = new RankerTrainer(options).Train(ranker, priors, presence.TokenDocumentFrequency, null);
        using var original = new PriorsArtifact(vocabulary, labels, priors, ranker, options, report);

        using var loaded = PriorsArtifact.Read(new MemoryStream(original.ToBytes()));

        Assert.Equal((vocabulary.Hash, labels.Hash), (loaded.Vocabulary.Hash, loaded.Labels.Hash));
        Assert.Equal(RelevanceMeasure.Normalized, loaded.Priors.Measure);
        for (int code = 0; code < labels.Count; code++)
        {
            Assert.Equal(priors.TokensOf(code).ToArray(), loaded.Priors.TokensOf(code).ToArray());
            Assert.Equal(priors.ValuesOf(code).ToArray(), loaded.Priors.ValuesOf(code).ToArray());
        }

        var expected = ranker.state_dict();
        Assert.All(loaded.Ranker.state_dict(), p => Assert.True(p.Value.equal(expected[p.Key]).all().item<bool>(), p.Key));
        Assert.Equal(report, loaded.Report);
        Assert.Equal(kind, loaded.RankerOptions.Kind);
    }
}
