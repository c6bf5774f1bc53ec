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

    [Theory]
    [InlineData(true, 0.4, 2.0, 2.0)]
    [InlineData(false, 0.4, 2.0, 2.0)]
    [InlineData(true, 0.0, 3.0, 2.0)]
    public void Compute_Borrowing_EqualsTheMeasureOverSoftLabelledNotesAndADescriptionPseudoNote(bool seenCodesBorrow, double familyWeight, double descriptionWeight, double halfCount)
    {
        // Codes renamed into ICD-like families of three ("A00.0".."A00.2", "A01.0", ...); the last code of each family is
        // dropped from the notes but stays in the label set, as a label space adds it.
        static string Rename(string code) => $"A{int.Parse(code[1..], System.Globalization.CultureInfo.InvariantCulture) / 3:D2}.{int.Parse(code[1..], System.Globalization.CultureInfo.InvariantCulture) % 3}";
        var notes = Toy.Notes().Select(n => n with { Codes = [.. n.Codes!.Select(Rename).Where(c => !c.EndsWith(".2", StringComparison.Ordinal))] })
            .Where(n => n.Codes!.Count > 0).ToList();
        var vocabulary = Vocabulary.Build(notes.Select(n => n.Text), new VocabularyOptions { MinCount = 1 });
        var codes = Enumerable.Range(0, 12).Select(i => Rename($"S{i:D5}")).ToList();
        var words = vocabulary.Tokens.Skip(Vocabulary.Reserved.Count).ToList();
        var labels = new LabelSet(codes, [.. codes.Select((c, i) => $"{words[i * 7]} {words[(i * 7) + 3]} {words[(i * 11) + 1]}")]);
        var families = CodeFamilies.Build(labels, vocabulary);
        var options = new PriorOptions { TopTokens = 8, FamilyWeight = familyWeight, DescriptionWeight = descriptionWeight, BorrowHalfCount = halfCount, BorrowForSeenCodes = seenCodesBorrow };

        var priors = PriorComputation.Compute(PresenceCorpus.Build(notes, vocabulary, labels), vocabulary, labels, options, families);

        var sets = notes.Select(n => Tokenizer.Words(n.Text).ToHashSet()).ToList();
        for (int code = 0; code < labels.Count; code++)
        {
            string own = labels.Codes[code];
            int seen = notes.Count(n => n.Codes!.Contains(own));
            bool borrows = seenCodesBorrow || seen == 0;
            double share = familyWeight * halfCount / (halfCount + seen);
            string family = own[..3];
            // Items of (weight, label, tokens): every note (label 1 with the code, the borrowed share with only a sibling), and
            // the description as one pseudo-note of its weight.
            var items = notes.Select((n, i) => (Weight: 1.0,
                Label: n.Codes!.Contains(own) ? 1.0 : borrows && n.Codes!.Any(c => c.StartsWith(family, StringComparison.Ordinal)) ? share : 0.0,
                Tokens: sets[i])).ToList();
            if (borrows && descriptionWeight > 0)
            {
                items.Add((descriptionWeight, 1.0, Tokenizer.Words(labels.Descriptions[code]).ToHashSet()));
            }

            var expected = new List<(string Token, int Id, double Value)>();
            double total = items.Sum(x => x.Weight), withCode = items.Sum(x => x.Weight * x.Label);
            foreach (string token in words)
            {
                double withToken = items.Sum(x => x.Tokens.Contains(token) ? x.Weight : 0);
                double both = items.Sum(x => x.Tokens.Contains(token) ? x.Weight * x.Label : 0);
                if (both > 0 && both * total > withToken * withCode)
                {
                    expected.Add((token, vocabulary.IdOf(token), MutualInformation.Gain(total, withToken, withCode, both)));
                }
            }

            var top = expected.OrderByDescending(e => e.Value).ThenBy(e => e.Id).Take(8).ToList();
            Assert.Equal(top.Select(e => e.Token), priors.TokensOf(code).ToArray().Select(vocabulary.TokenOf));
            Assert.Equal(top.Select(e => (float)e.Value), priors.ValuesOf(code).ToArray());
        }
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
