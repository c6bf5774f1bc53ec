using PlantFunctions.Model.Assertions;
using PlantFunctions.Model.Text;

namespace PlantFunctions.Model.Tests.Assertions;

public sealed class AssertionTaggerTests
{
    [Fact]
    public void Tag_SpansWithAnEmptyNoteStartToken_SkipsItAndKeepsEveryOtherTag()
    {
        const string text = "No fever, cough or dyspnea. Chest pain.";
        var spans = Tokenizer.Tokenize(text);

        var plain = AssertionTagger.Default.Tag(text, spans);
        var withStart = AssertionTagger.Default.Tag(text, [new TokenSpan(0, 0), .. spans]);

        Assert.Equal(
            [Assertion.Affirmed, Assertion.Negated, Assertion.Negated, Assertion.Negated, Assertion.Negated, Assertion.Affirmed, Assertion.Affirmed],
            plain);
        Assert.Equal([Assertion.Affirmed, .. plain], withStart);
    }

    [Theory]
    [InlineData("No fever\nCough for two days.", "cough", Assertion.Affirmed)]
    [InlineData("No mass of 2.5 cm or enlarged nodes.", "nodes", Assertion.Negated)]
    [InlineData("No signs of infection, i.e. erythema or pus.", "pus", Assertion.Negated)]
    [InlineData("Seen by Dr. Smith: no fracture.", "fracture", Assertion.Negated)]
    [InlineData("No fever, no change in the chronic cough.", "cough", Assertion.Affirmed)]
    [InlineData("Fever: absent.", "fever", Assertion.Negated)]
    [InlineData("No fever: cough since Monday.", "cough", Assertion.Affirmed)]
    [InlineData("History of asthma, now presents with wheezing.", "wheezing", Assertion.Affirmed)]
    [InlineData("If fever develops, paracetamol is given.", "paracetamol", Assertion.Affirmed)]
    [InlineData("Possible pneumonia, sepsis or empyema.", "empyema", Assertion.Possible)]
    public void Tag_PunctuationAndPseudoTriggers_EndScopesWhereTheyShould(string text, string word, Assertion expected)
    {
        var spans = Tokenizer.Tokenize(text);
        int target = spans.FindIndex(s => text.AsSpan(s.Start, s.Length).Equals(word, StringComparison.OrdinalIgnoreCase));

        Assert.Equal(expected, AssertionTagger.Default.Tag(text, spans)[target]);
    }

    [Fact]
    public void Tag_WordLimit_EndsAForwardScope()
    {
        string text = "No " + string.Join(' ', Enumerable.Range(0, AssertionLexicon.ForwardLimit + 3).Select(i => "finding"));

        var tags = AssertionTagger.Default.Tag(text);

        Assert.Equal(AssertionLexicon.ForwardLimit, tags.Count(t => t == Assertion.Negated));
        Assert.Equal(Assertion.Affirmed, tags[^1]);
    }

    [Fact]
    public void Tag_OwnLexicon_UsesOnlyItsPhrases()
    {
        var tagger = new AssertionTagger(AssertionLexicon.Parse(new StringReader("forward family : abuela\nend all : pero")));

        var tags = tagger.Tag("No abuela con diabetes pero tos");

        Assert.Equal([Assertion.Affirmed, Assertion.Affirmed, Assertion.Family, Assertion.Family, Assertion.Affirmed, Assertion.Affirmed], tags);
    }

    [Fact]
    public void Parse_Alternatives_ExpandToEveryPhraseWithTheLineSettings()
    {
        var lexicon = AssertionLexicon.Parse(new StringReader("# comment\nbackward possible limit=3 comma : {was|is|} {suspected|likely}\n"));

        Assert.Equal(
            ["was suspected", "was likely", "is suspected", "is likely", "suspected", "likely"],
            lexicon.Triggers.Select(t => string.Join(' ', t.Words)));
        Assert.All(lexicon.Triggers, t => Assert.Equal((TriggerKind.Backward, Assertion.Possible, 3, true), (t.Kind, t.Category, t.Limit, t.EndsAtComma)));
    }

    [Theory]
    [InlineData("forward negated : no\nforward possible : {no|not}", "line 2: 'no' is already on line 1")]
    [InlineData("sideways negated : no", "unknown kind 'sideways'")]
    [InlineData("forward affirmed : no", "'affirmed' is not a category")]
    [InlineData("forward negated : Fever", "'Fever' is not a phrase of lower-case tokenizer words")]
    [InlineData("forward negated : covid19", "'covid19' is not a phrase")]
    [InlineData("forward negated limit=0 : no", "unknown option 'limit=0'")]
    [InlineData("forward negated no", "expected '<kind> <category> [options] : <phrase>'")]
    public void Parse_BadLine_ThrowsNamingTheProblem(string text, string expected)
    {
        var error = Assert.Throws<InvalidDataException>(() => AssertionLexicon.Parse(new StringReader(text)));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Default_LoadsTheEmbeddedLexiconWithEveryCategoryAndKind()
    {
        var triggers = AssertionLexicon.Default.Triggers;

        Assert.All([Assertion.Negated, Assertion.Possible, Assertion.Historical, Assertion.Family],
            a => Assert.Contains(triggers, t => t.Asserts && t.Category == a));
        Assert.All(Enum.GetValues<TriggerKind>(), k => Assert.Contains(triggers, t => t.Kind == k));
    }
}
