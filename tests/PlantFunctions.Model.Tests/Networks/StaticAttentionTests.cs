using PlantFunctions.Model.Labels;
using PlantFunctions.Model.Networks;
using PlantFunctions.Model.Notes;
using PlantFunctions.Model.Priors;
using PlantFunctions.Model.Text;

namespace PlantFunctions.Model.Tests.Networks;

public sealed class StaticAttentionTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TokenEntries_AreThePositionEntriesOncePerDistinctToken_InFirstOccurrenceOrder(bool perNote)
    {
        var (priors, vocabulary) = ToyPriors();
        var attention = new StaticAttention(priors, tokensPerCode: 2, perNote);
        var random = new Random(5);
        for (int trial = 0; trial < 40; trial++)
        {
            int[] note = [.. Enumerable.Range(0, 3 + (trial % 9)).Select(_ => 3 + random.Next(vocabulary.Count - 3))];

            var expected = attention.Entries(note).Select(e => (Token: note[e.Position], e.Code, e.Weight)).Distinct()
                .OrderBy(e => Array.IndexOf(note, e.Token)).ThenBy(e => e.Code).ToList();
            var actual = attention.TokenEntries(note).OrderBy(e => Array.IndexOf(note, e.Token)).ThenBy(e => e.Code).ToList();

            Assert.Equal(expected, actual);
            Assert.Equal(actual.Select(e => Array.IndexOf(note, e.Token)), attention.TokenEntries(note).Select(e => Array.IndexOf(note, e.Token)));
        }
    }

    [Fact]
    public void PerNote_EachCodeKeepsTheNotesOwnTopTokensAmongItsStoredOnes_AsABruteForceSelection()
    {
        var (priors, vocabulary) = ToyPriors();
        var perNote = new StaticAttention(priors, tokensPerCode: 2, perNote: true);
        var global = new StaticAttention(priors, tokensPerCode: 2);
        var random = new Random(3);
        for (int trial = 0; trial < 40; trial++)
        {
            int[] note = [.. Enumerable.Range(0, 4 + (trial % 4)).Select(_ => 3 + random.Next(vocabulary.Count - 3))];

            var expected = BruteForce(priors, note, tokensPerCode: 2);
            var actual = perNote.Entries(note).Select(e => (e.Position, e.Code, Math.Round(e.Weight, 6))).OrderBy(e => e).ToList();

            Assert.Equal(expected, actual);
        }

        // A note holding none of code 0's two global top tokens but its other stored ones: only the per-note form gives it S.
        int[] lower = [.. priors.TokensOf(0)[2..]];
        Assert.NotEmpty(lower);
        Assert.Contains(perNote.Entries(lower), e => e.Code == 0);
        Assert.DoesNotContain(global.Entries(lower), e => e.Code == 0);
    }

    /// <summary>Per code: its stored tokens present in the note, the best two by (value desc, token asc), weight MI / global top-2 mass / occurrences.</summary>
    private static List<(int Position, int Code, double Weight)> BruteForce(RelevancePriors priors, int[] note, int tokensPerCode)
    {
        var result = new List<(int, int, double)>();
        for (int code = 0; code < priors.Labels; code++)
        {
            var tokens = priors.TokensOf(code).ToArray();
            var values = priors.ValuesOf(code).ToArray();
            float mass = values.Take(tokensPerCode).Sum();
            var kept = tokens.Select((t, i) => (Token: t, Value: values[i]))
                .Where(p => note.Contains(p.Token))
                .OrderByDescending(p => p.Value).ThenBy(p => p.Token)
                .Take(tokensPerCode);
            foreach (var (token, value) in kept)
            {
                int occurrences = note.Count(t => t == token);
                for (int position = 0; position < note.Length; position++)
                {
                    if (note[position] == token && mass > 0)
                    {
                        result.Add((position, code, Math.Round(value / mass / occurrences, 6)));
                    }
                }
            }
        }

        return [.. result.OrderBy(e => e)];
    }

    private static (RelevancePriors Priors, Vocabulary Vocabulary) ToyPriors()
    {
        // Letters only: the tokenizer drops runs holding a digit.
        static string Word(int i) => $"w{(char)('a' + i)}";
        var vocabulary = new Vocabulary([.. Vocabulary.Reserved, .. Enumerable.Range(0, 14).Select(Word)]);
        var labels = new LabelSet(["A", "B", "C"]);
        var random = new Random(8);
        var notes = Enumerable.Range(0, 60).Select(i =>
        {
            var codes = new[] { "A", "B", "C" }.Where((_, c) => random.NextDouble() < 0.4).ToList();
            var words = Enumerable.Range(0, 8).Select(_ => Word(random.Next(14)))
                .Concat(codes.SelectMany(c => Enumerable.Range(0, 3).Select(_ => Word(((c[0] - 'A') * 4) + random.Next(5)))));
            return new ClinicalNote($"n{i}", string.Join(' ', words), codes);
        }).ToList();
        var presence = PresenceCorpus.Build(notes, vocabulary, labels);
        return (PriorComputation.Compute(presence, vocabulary, labels, new PriorOptions { TopTokens = 8, StaticTopTokens = 2 }), vocabulary);
    }
}
