using PlantFunctions.Model.Labels;
using PlantFunctions.Model.Priors;
using PlantFunctions.Model.Ranking;
using PlantFunctions.Model.Synthetic;
using PlantFunctions.Model.Text;
using static TorchSharp.torch;

namespace PlantFunctions.Model.Tests.Ranking;

[Collection(TorchCollection.Name)]
public sealed class RankerTrainerTests
{
    [Theory]
    [InlineData(RankerKind.Dot)]
    [InlineData(RankerKind.FeedForward)]
    public void Train_SyntheticCorpus_RaisesHeldOutNdcgWellAboveTheUntrainedScorer(RankerKind kind)
    {
        var corpus = new SyntheticCorpus(new SyntheticCorpusOptions { Documents = 1500, Codes = 200, VocabularySize = 3000, MedianWords = 150 });
        var notes = corpus.Notes().ToList();
        var vocabulary = Vocabulary.Build(notes.Select(n => n.Text), new VocabularyOptions { MinCount = 1 });
        var labels = LabelSet.FromCodes(notes.Select(n => n.Codes!));
        var presence = PresenceCorpus.Build(notes, vocabulary, labels);
        var priors = PriorComputation.Compute(presence, vocabulary, labels, new PriorOptions { TopTokens = 8 });
        var options = new RankerOptions { Kind = kind, Epochs = 20, Dimension = 32, Hidden = 16 };
        manual_seed(11);
        using RelevanceScorer scorer = kind == RankerKind.Dot
            ? new DotScorer(vocabulary.Count, labels.Count, options.Dimension)
            : new FeedForwardScorer(vocabulary.Count, labels.Count, options.Dimension, options.Hidden);

        var report = new RankerTrainer(options).Train(scorer, priors, presence.TokenDocumentFrequency, null);

        Assert.True(report.HeldOutAfter > 1.5 * report.HeldOutBefore, $"held-out nDCG@15 {report.HeldOutBefore:F3} -> {report.HeldOutAfter:F3}");
        Assert.True(report.TrainAfter > 3 * report.HeldOutBefore, $"training nDCG@15 {report.TrainAfter:F3} vs untrained held-out {report.HeldOutBefore:F3}");
        Assert.Equal(labels.Count, report.EvaluatedCodes);
    }

    [Fact]
    public void Train_ShipsAScorerTrainedOnEveryPairIncludingTheHeldOutOnes()
    {
        var corpus = new SyntheticCorpus(new SyntheticCorpusOptions { Documents = 600, Codes = 80, VocabularySize = 1500, MedianWords = 100, Seed = 4 });
        var notes = corpus.Notes().ToList();
        var vocabulary = Vocabulary.Build(notes.Select(n => n.Text), new VocabularyOptions { MinCount = 1 });
        var labels = LabelSet.FromCodes(notes.Select(n => n.Codes!));
        var presence = PresenceCorpus.Build(notes, vocabulary, labels);
        var priors = PriorComputation.Compute(presence, vocabulary, labels, new PriorOptions { TopTokens = 8 });
        RankingReport Run(bool shipOnAll)
        {
            var options = new RankerOptions { Epochs = 15, Dimension = 16, ShipTrainedOnAllData = shipOnAll };
            manual_seed(5);
            using var scorer = new DotScorer(vocabulary.Count, labels.Count, options.Dimension);
            return new RankerTrainer(options).Train(scorer, priors, presence.TokenDocumentFrequency, null);
        }

        var heldOutOnly = Run(shipOnAll: false);
        var shipped = Run(shipOnAll: true);

        // The report is the same either way; the shipped scorer has also learned the held-out pairs.
        Assert.Null(heldOutOnly.ShippedOnHeldOut);
        Assert.Equal(heldOutOnly.HeldOutAfter, shipped.HeldOutAfter, 6);
        Assert.True(shipped.ShippedOnHeldOut > shipped.HeldOutAfter + 0.05, $"held-out nDCG {shipped.HeldOutAfter:F3} reported, {shipped.ShippedOnHeldOut:F3} for the shipped scorer");
    }
}
