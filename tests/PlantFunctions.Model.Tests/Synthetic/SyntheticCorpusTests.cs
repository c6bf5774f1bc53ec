using PlantFunctions.Model.Synthetic;
using PlantFunctions.Model.Text;

namespace PlantFunctions.Model.Tests.Synthetic;

public sealed class SyntheticCorpusTests
{
    [Fact]
    public void Notes_SameSeed_SameCorpus_DifferentSeed_DifferentCorpus()
    {
        var options = new SyntheticCorpusOptions { Documents = 30 };

        var a = new SyntheticCorpus(options).Notes().ToList();
        var b = new SyntheticCorpus(options).Notes().ToList();
        var c = new SyntheticCorpus(options with { Seed = 18 }).Notes().ToList();

        Assert.Equal(a.Select(n => n.Text), b.Select(n => n.Text));
        Assert.Equal(a.Select(n => string.Join(",", n.Codes!)), b.Select(n => string.Join(",", n.Codes!)));
        Assert.NotEqual(a.Select(n => n.Text), c.Select(n => n.Text));
    }

    [Fact]
    public void Notes_CodeFrequenciesAreSkewedAndSignalWordsArePlanted()
    {
        var corpus = new SyntheticCorpus(new SyntheticCorpusOptions { Documents = 400, Codes = 40 });
        var notes = corpus.Notes().ToList();
        var counts = notes.SelectMany(n => n.Codes!).GroupBy(c => c).ToDictionary(g => g.Key, g => g.Count());

        Assert.True(counts[SyntheticCorpus.CodeFor(0)] > 4 * counts.GetValueOrDefault(SyntheticCorpus.CodeFor(30)));
        string code = SyntheticCorpus.CodeFor(3);
        var signal = corpus.SignalWordsOf(3).ToHashSet();
        double withCode = notes.Where(n => n.Codes!.Contains(code)).Average(n => Tokenizer.Words(n.Text).Count(signal.Contains));
        double without = notes.Where(n => !n.Codes!.Contains(code)).Average(n => Tokenizer.Words(n.Text).Count(signal.Contains));
        Assert.True(withCode > without + 2, $"signal words per note: {withCode:F2} with the code vs {without:F2} without");
    }

    [Fact]
    public void Notes_LengthsCentreOnTheMedian()
    {
        var notes = new SyntheticCorpus(new SyntheticCorpusOptions { Documents = 301, MedianWords = 500 }).Notes();

        var lengths = notes.Select(n => Tokenizer.Tokenize(n.Text).Count).Order().ToList();

        Assert.InRange(lengths[150], 450, 550);
    }

    [Fact]
    public void WordFor_IsAlphabeticAndUnique()
    {
        var words = Enumerable.Range(0, 5000).Select(SyntheticCorpus.WordFor).ToList();

        Assert.Equal(words.Count, words.Distinct().Count());
        Assert.All(words, w => Assert.Equal([w], Tokenizer.Words(w)));
    }
}
