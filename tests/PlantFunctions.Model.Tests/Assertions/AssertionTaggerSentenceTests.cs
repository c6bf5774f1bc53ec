using PlantFunctions.Model.Assertions;
using Xunit.Abstractions;

namespace PlantFunctions.Model.Tests.Assertions;

/// <summary>
/// The tagger on our own sentence sets: <c>assertion-sentences.tsv</c> (the set the lexicon was written against; a floor
/// per category and exact tags on its core rows) and <c>assertion-heldout.tsv</c> (written after the lexicon was tuned,
/// never used to tune it). Run with a detailed console logger to see the tables.
/// </summary>
public sealed class AssertionTaggerSentenceTests(ITestOutputHelper output)
{
    private static readonly Lazy<IReadOnlyList<AssertionCase>> Sentences = new(() => AssertionCase.Load("assertion-sentences.tsv"));
    private static readonly Lazy<IReadOnlyList<AssertionCase>> HeldOut = new(() => AssertionCase.Load("assertion-heldout.tsv"));

    /// <summary>The core rows, by line (the sentence and target are in each case's display name).</summary>
    public static TheoryData<int, string, string> CoreCases()
    {
        var data = new TheoryData<int, string, string>();
        foreach (var item in Sentences.Value.Where(c => c.Core))
        {
            data.Add(item.Line, item.ToString(), item.Expected.Name());
        }

        return data;
    }

    [Fact]
    public void SentenceSet_HoldsAtLeast150SentencesAndEveryCategory()
    {
        var cases = Sentences.Value;

        Assert.True(cases.Select(c => c.Sentence).Distinct().Count() >= 150, $"{cases.Select(c => c.Sentence).Distinct().Count()} sentences");
        Assert.All(AssertionNames.All, a => Assert.True(cases.Count(c => c.Expected == a.Assertion) >= 20, $"{a.Name}: {cases.Count(c => c.Expected == a.Assertion)} targets"));
        Assert.True(cases.Count(c => c.Core) >= 60, $"{cases.Count(c => c.Core)} core targets");
    }

    [Fact]
    public void Tag_SentenceSet_PrecisionAndRecallAtLeast90PercentPerCategory()
    {
        var scores = new AssertionScores(Sentences.Value, AssertionTagger.Default);
        output.WriteLine(scores.ToString());

        Assert.All(AssertionNames.All, a =>
        {
            Assert.True(scores.Precision(a.Assertion) >= 0.90, $"{a.Name} precision {scores.Precision(a.Assertion):F3}\n{scores}");
            Assert.True(scores.Recall(a.Assertion) >= 0.90, $"{a.Name} recall {scores.Recall(a.Assertion):F3}\n{scores}");
        });
    }

    [Fact]
    public void Tag_HeldOutSentences_PrecisionAndRecallAtLeast85PercentPerCategory()
    {
        var scores = new AssertionScores(HeldOut.Value, AssertionTagger.Default);
        output.WriteLine(scores.ToString());

        Assert.True(HeldOut.Value.Select(c => c.Sentence).Distinct().Count() >= 60);
        Assert.All(AssertionNames.All, a =>
        {
            Assert.True(scores.Precision(a.Assertion) >= 0.85, $"{a.Name} precision {scores.Precision(a.Assertion):F3}\n{scores}");
            Assert.True(scores.Recall(a.Assertion) >= 0.85, $"{a.Name} recall {scores.Recall(a.Assertion):F3}\n{scores}");
        });
    }

    [Theory]
    [MemberData(nameof(CoreCases))]
    public void Tag_CoreSentence_GivesTheExpectedAssertion(int line, string target, string expected)
    {
        var item = Sentences.Value.Single(c => c.Line == line);

        var got = item.Tag(AssertionTagger.Default);

        Assert.True(expected == got.Name(), $"line {line}: {target}: expected {expected}, got {got.Name()}");
    }
}
