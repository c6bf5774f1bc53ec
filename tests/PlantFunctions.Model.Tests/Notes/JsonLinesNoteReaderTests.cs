using System.Text;
using PlantFunctions.Model.Notes;

namespace PlantFunctions.Model.Tests.Notes;

public sealed class JsonLinesNoteReaderTests
{
    private static List<NoteReadResult> ReadAll(string content, NoteReaderOptions? options = null) =>
        ReadAll(Encoding.UTF8.GetBytes(content), options);

    private static List<NoteReadResult> ReadAll(byte[] content, NoteReaderOptions? options = null) =>
        [.. NoteReader.Read(new MemoryStream(content), "batch.jsonl", options ?? NoteReaderOptions.Collecting)];

    [Fact]
    public void Read_ValidLines_ReturnsNotesWithCodesAndMetadata()
    {
        var results = ReadAll("""
            {"id": "a1", "text": "Chest pain.", "codes": ["I20.9", "R07.9"], "metadata": {"ward": "cardio", "age": 61}}
            {"id": 42, "text": "Fever.", "source": "clinic"}

            """);

        Assert.Equal(2, results.Count);
        var first = results[0].Note!;
        Assert.Equal("a1", first.Id);
        Assert.Equal("Chest pain.", first.Text);
        Assert.Equal(["I20.9", "R07.9"], first.Codes);
        Assert.Equal("cardio", first.Metadata!["ward"]);
        Assert.Equal("61", first.Metadata["age"]);
        Assert.Equal("42", results[1].Note!.Id);
        Assert.Null(results[1].Note!.Codes);
        Assert.Equal("clinic", results[1].Note!.Metadata!["source"]);
        Assert.Equal(2, results[1].Position);
    }

    [Theory]
    [InlineData("{\"id\": \"x\", \"text\": \"ok\"", "malformed JSON")]
    [InlineData("""{"text": "no id here"}""", "missing id")]
    [InlineData("""{"id": "x", "text": "   "}""", "empty text")]
    [InlineData("""{"id": "x"}""", "missing text")]
    [InlineData("""{"id": "x", "text": 12}""", "field 'text' must be a string, not a number")]
    [InlineData("""{"id": ["x"], "text": "t"}""", "field 'id' must be a string or an integer, not an array")]
    [InlineData("""{"id": "x", "text": "t", "codes": "A01"}""", "field 'codes' must be an array of strings, not a string")]
    [InlineData("""["id", "text"]""", "expected a JSON object, found an array")]
    public void Read_BadLine_ReportsLineAndReasonAndKeepsOtherNotes(string badLine, string expectedReason)
    {
        var results = ReadAll($"{{\"id\": \"good1\", \"text\": \"fine\"}}\n{badLine}\n{{\"id\": \"good2\", \"text\": \"fine\"}}\n");

        Assert.Equal(3, results.Count);
        Assert.Equal("good1", results[0].Note!.Id);
        Assert.Equal("good2", results[2].Note!.Id);
        var error = results[1].Error!;
        Assert.Equal("batch.jsonl", error.Source);
        Assert.Equal(2, error.Position);
        Assert.Contains(expectedReason, error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_InvalidUtf8_ReportsThatLineOnly()
    {
        byte[] good = Encoding.UTF8.GetBytes("{\"id\": \"a\", \"text\": \"caf\u00e9\"}\n");
        byte[] bad = [.. "{\"id\": \"b\", \"text\": \"x"u8.ToArray(), 0xC3, 0x28, .. "\"}\n"u8.ToArray()];
        var results = ReadAll([.. good, .. bad, .. good.Select(b => b == (byte)'a' ? (byte)'c' : b)]);

        Assert.Equal("café", results[0].Note!.Text);
        Assert.Contains("invalid UTF-8", results[1].Error!.Reason, StringComparison.Ordinal);
        Assert.Equal(2, results[1].Position);
        Assert.NotNull(results[2].Note);
    }

    [Fact]
    public void Read_Utf8BomAndCrLf_AreIgnored()
    {
        byte[] content = [0xEF, 0xBB, 0xBF, .. "{\"id\": \"a\", \"text\": \"t\"}\r\n{\"id\": \"b\", \"text\": \"u\"}"u8.ToArray()];

        var results = ReadAll(content);

        Assert.Equal(["a", "b"], results.Select(r => r.Note!.Id));
    }

    [Fact]
    public void Read_DuplicateId_SecondIsErrorNamingTheFirst()
    {
        var results = ReadAll("{\"id\": \"a\", \"text\": \"t\"}\n{\"id\": \"a\", \"text\": \"u\"}\n");

        Assert.NotNull(results[0].Note);
        Assert.Equal("a", results[1].Error!.NoteId);
        Assert.Contains("duplicate id 'a' (first seen at batch.jsonl:1)", results[1].Error!.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_NoteOverSizeLimit_IsRejectedWithTheLimit()
    {
        var options = NoteReaderOptions.Collecting with { MaxNoteChars = 10 };
        var results = ReadAll("{\"id\": \"long\", \"text\": \"abcdefghijklmnop\"}\n{\"id\": \"short\", \"text\": \"abc\"}\n", options);

        Assert.Contains("over the limit of 10", results[0].Error!.Reason, StringComparison.Ordinal);
        Assert.Equal("long", results[0].Error!.NoteId);
        Assert.Equal("short", results[1].Note!.Id);
    }

    [Fact]
    public void Read_LineFarOverByteLimit_IsSkippedWithoutBufferingAndReadingContinues()
    {
        var options = NoteReaderOptions.Collecting with { MaxNoteChars = 1 };
        long limit = (long)options.MaxNoteChars * 6 + (1 << 20);
        string huge = "{\"id\": \"huge\", \"text\": \"" + new string('a', (int)limit * 3) + "\"}";
        var results = ReadAll(huge + "\n{\"id\": \"b\", \"text\": \"x\"}\n", options);

        Assert.Equal(2, results.Count);
        Assert.Contains("longer than", results[0].Error!.Reason, StringComparison.Ordinal);
        Assert.Equal("b", results[1].Note!.Id);
    }

    [Fact]
    public void Read_StopAtFirstMode_ThrowsWithLocation()
    {
        var ex = Assert.Throws<NoteFormatException>(() =>
            ReadAll("{\"id\": \"a\", \"text\": \"t\"}\nnot json\n", new NoteReaderOptions()));

        Assert.Equal(2, ex.Error.Position);
        Assert.StartsWith("batch.jsonl:2: malformed JSON", ex.Message, StringComparison.Ordinal);
    }
}
