using PlantFunctions.Model.Labels;
using PlantFunctions.Model.Networks;
using PlantFunctions.Model.Notes;
using PlantFunctions.Model.Text;

namespace PlantFunctions.Model.Tests.Networks;

public sealed class EncodedNoteTests
{
    private static readonly Vocabulary Words = new([.. Vocabulary.Reserved, "chest", "pain", "fever"]);

    [Fact]
    public void From_WithNoteStart_PrependsBosWithAnEmptySpanAndKeepsTheWordsSpans()
    {
        var note = new ClinicalNote("n1", "Chest pain, fever.", ["R07", "X99"]);

        var plain = EncodedNote.From(note, Words, new LabelSet(["R07"]));
        var started = EncodedNote.From(note, Words, new LabelSet(["R07"]), noteStart: true);

        Assert.Equal([Vocabulary.BosId, .. plain.Tokens], started.Tokens);
        Assert.Equal(new TokenSpan(0, 0), started.Spans[0]);
        Assert.Equal(plain.Spans, started.Spans.Skip(1));
        Assert.Equal("pain", note.Text.Substring(started.Spans[2].Start, started.Spans[2].Length));
        Assert.Equal([0], started.Labels);
        Assert.Equal(1, started.UnseenCodes);
    }

    [Fact]
    public void From_NoteWithoutWords_IsTheStartTokenAloneOrOneUnknownToken()
    {
        var note = new ClinicalNote("n2", "12 -- 3.4");

        Assert.Equal([Vocabulary.BosId], EncodedNote.From(note, Words, null, noteStart: true).Tokens);
        Assert.Equal([Vocabulary.UnknownId], EncodedNote.From(note, Words, null).Tokens);
    }
}
