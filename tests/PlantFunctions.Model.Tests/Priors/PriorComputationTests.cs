using PlantFunctions.Model.Labels;
using PlantFunctions.Model.Notes;
using PlantFunctions.Model.Priors;
using PlantFunctions.Model.Synthetic;
using PlantFunctions.Model.Text;

namespace PlantFunctions.Model.Tests.Priors;

public sealed class PriorComputationTests
{
    private static readonly SyntheticCorpus Toy = new(new SyntheticCorpusOptions { Documents = 120, VocabularySize = 300, Codes = 12, MedianWords = 40 });

    [Theory]
    [InlineData(RelevanceMeasure.Gain)]
    [InlineData(RelevanceMeasure.Normalized)]
    public void Compute_ToyCorpus_EqualsBruteForceCountOfEveryPair(RelevanceMeasure measure)
    {
        var notes = Toy.Notes().ToList();
        var vocabulary = Vocabulary.Build(notes.Select(n => n.Text), new VocabularyOptions { MinCount = 1 });
        var labels = LabelSet.FromCodes(notes.Select(n => n.Codes!));
        var options = new PriorOptions { Measure = measure, TopTokens = 10 };

        var priors = PriorComputation.Compute(PresenceCorpus.Build(notes, vocabulary, labels), vocabulary, labels, options);

        var sets = notes.Select(n => Tokenizer.Words(n.Text).ToHashSet()).ToList();
        for (int code = 0; code < labels.Count; code++)
        {
            var expected = BruteForceTop(notes, sets, vocabulary, labels.Codes[code], measure, 10);
            var actualTokens = priors.TokensOf(code).ToArray().Select(vocabulary.TokenOf).ToList();
            Assert.Equal(expected.Select(e => e.Token), actualTokens);
            Assert.Equal(expected.Select(e => (float)e.Value), priors.ValuesOf(code).ToArray());
        }
    }

    [Fact]
    public void Compute_SyntheticCorpus_TopTokensAreThePlantedSignalWords()
    {
        var corpus = new SyntheticCorpus(new SyntheticCorpusOptions { Documents = 600, VocabularySize = 2000, Codes = 20, MedianWords = 120 });
        var notes = corpus.Notes().ToList();
        var vocabulary = Vocabulary.Build(notes.Select(n => n.Text), new VocabularyOptions { MinCount = 1 });
        var labels = LabelSet.FromCodes(notes.Select(n => n.Codes!));

        var priors = PriorComputation.Compute(PresenceCorpus.Build(notes, vocabulary, labels), vocabulary, labels, new PriorOptions());

        int code = labels.IndexOf(SyntheticCorpus.CodeFor(2));
        var top = priors.TokensOf(code)[..4].ToArray().Select(vocabulary.TokenOf).ToHashSet();
        Assert.Subset(corpus.SignalWordsOf(2).ToHashSet(), top);
    }

    [Fact]
    public void SaveLoad_RoundTripsBitExactly_AndTruncationIsReported()
    {
        var notes = Toy.Notes().ToList();
        var vocabulary = Vocabulary.Build(notes.Select(n => n.Text), new VocabularyOptions { MinCount = 1 });
        var labels = LabelSet.FromCodes(notes.Select(n => n.Codes!));
        var priors = PriorComputation.Compute(PresenceCorpus.Build(notes, vocabulary, labels), vocabulary, labels, new PriorOptions());
        var stream = new MemoryStream();

        priors.Save(stream);
        var loaded = RelevancePriors.Load(new MemoryStream(stream.ToArray()));

        Assert.Equal(priors.Pairs, loaded.Pairs);
        Assert.Equal((vocabulary.Hash, labels.Hash), (loaded.VocabularyHash, loaded.LabelHash));
        for (int code = 0; code < labels.Count; code++)
        {
            Assert.Equal(priors.TokensOf(code).ToArray(), loaded.TokensOf(code).ToArray());
            Assert.Equal(priors.ValuesOf(code).ToArray(), loaded.ValuesOf(code).ToArray());
        }

        var ex = Assert.Throws<InvalidDataException>(() => RelevancePriors.Load(new MemoryStream(stream.ToArray()[..^7])));
        Assert.Contains("truncated", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PriorScorer_SumsValuesOfPresentTopTokensOnce()
    {
        var notes = new List<ClinicalNote>
        {
            new("a", "fever cough", ["X"]),
            new("b", "fever rash", ["X"]),
            new("c", "cough pain", ["Y"]),
            new("d", "pain rash", ["Y"]),
        };
        var vocabulary = Vocabulary.Build(notes.Select(n => n.Text), new VocabularyOptions { MinCount = 1 });
        var labels = LabelSet.FromCodes(notes.Select(n => n.Codes!));
        var priors = PriorComputation.Compute(PresenceCorpus.Build(notes, vocabulary, labels), vocabulary, labels, new PriorOptions());
        var scorer = new PriorScorer(priors, vocabulary, tokensPerCode: 5);

        float[] scores = scorer.Score("Fever, fever and pain");

        // "fever" occurs only with X (in both X notes): I = ln 2 for X. "pain" likewise for Y. Repeats count once.
        Assert.Equal((float)Math.Log(2), scores[labels.IndexOf("X")], 5);
        Assert.Equal((float)Math.Log(2), scores[labels.IndexOf("Y")], 5);
    }

    private static List<(string Token, double Value)> BruteForceTop(List<ClinicalNote> notes, List<HashSet<string>> sets, Vocabulary vocabulary, string code, RelevanceMeasure measure, int k)
    {
        var result = new List<(string Token, int Id, double Value)>();
        int n = notes.Count;
        int withCode = notes.Count(x => x.Codes!.Contains(code));
        foreach (string token in vocabulary.Tokens.Skip(Vocabulary.Reserved.Count))
        {
            int withToken = sets.Count(s => s.Contains(token));
            int both = Enumerable.Range(0, n).Count(i => sets[i].Contains(token) && notes[i].Codes!.Contains(code));
            if ((double)both / n > (double)withToken / n * withCode / n)
            {
                result.Add((token, vocabulary.IdOf(token), MutualInformation.Measure(measure, n, withToken, withCode, both)));
            }
        }

        return [.. result.OrderByDescending(r => r.Value).ThenBy(r => r.Id).Take(k).Select(r => (r.Token, r.Value))];
    }
}
