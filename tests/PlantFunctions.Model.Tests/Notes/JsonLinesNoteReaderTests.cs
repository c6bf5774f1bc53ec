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
    [InlineData("{\"id\": \"x\", \"text\": \"ok\"", "malformed JSON at byte 24: ")]
    [InlineData("""{"id": "x", "text": "\x"}""", "malformed JSON at byte 22: 'x' is an invalid escapable character")]
    [InlineData("{\"id\": \"x\",\uFEFF \"text\": \"t\"}", "malformed JSON at byte 11: ")]
    [InlineData("{\"id\": \"x\", \"text\": \"a\0b\"}", "NUL byte at byte 22 of the line")]
    [InlineData("""["id", "text"]""", "expected a JSON object, found an array")]
    [InlineData("""{"text": "no id here"}""", "missing id")]
    [InlineData("""{"id": "", "text": "t"}""", "missing id")]
    [InlineData("""{"id": "x", "text": "   "}""", "empty text")]
    [InlineData("""{"id": "x"}""", "missing text")]
    [InlineData("""{"id": ["x"], "text": "t"}""", "field 'id' must be a string or an integer, not an array")]
    [InlineData("""{"id": {"v": 1}, "text": "t"}""", "field 'id' must be a string or an integer, not an object")]
    [InlineData("""{"id": true, "text": "t"}""", "field 'id' must be a string or an integer, not a boolean")]
    [InlineData("""{"id": null, "text": "t"}""", "field 'id' must be a string or an integer, not null")]
    [InlineData("""{"id": 1.5, "text": "t"}""", "field 'id' must be a string or an integer, not the number 1.5")]
    [InlineData("""{"id": 1e3, "text": "t"}""", "field 'id' must be a string or an integer, not the number 1e3")]
    [InlineData("""{"id": "x", "text": 12}""", "field 'text' must be a string, not a number")]
    [InlineData("""{"id": "x", "text": null}""", "field 'text' must be a string, not null")]
    [InlineData("""{"id": "x", "text": ["a", "b"]}""", "field 'text' must be a string, not an array")]
    [InlineData("""{"id": "x", "text": "t", "codes": "A01"}""", "field 'codes' must be an array of strings, not a string")]
    [InlineData("""{"id": "x", "text": "t", "codes": {"A01": 1}}""", "field 'codes' must be an array of strings, not an object")]
    [InlineData("""{"id": "x", "text": "t", "codes": ["A01", 7]}""", "field 'codes' must contain only non-empty strings, found a number")]
    [InlineData("""{"id": "x", "text": "t", "codes": [" "]}""", "field 'codes' must contain only non-empty strings, found an empty string")]
    [InlineData("""{"id": "x", "text": "t", "metadata": "ward 3"}""", "field 'metadata' must be an object, not a string")]
    [InlineData("""{"id": "x", "text": "t", "text": "u"}""", "field 'text' appears more than once")]
    [InlineData("""{"id": "x", "text": "abc \ud800 def"}""", @"field 'text' holds an invalid escape (a lone surrogate \ud800)")]
    [InlineData("""{"id": "x", "text": "end \uD83D"}""", @"field 'text' holds an invalid escape (a lone surrogate \uD83D)")]
    [InlineData("""{"id": "x\udc00", "text": "t"}""", @"field 'id' holds an invalid escape (a lone surrogate \udc00)")]
    [InlineData("""{"id": "x", "text": "t", "codes": ["A01", "\ude00\ud83d"]}""", @"field 'codes' holds an invalid escape (a lone surrogate \ude00)")]
    [InlineData("""{"id": "x", "text": "t", "metadata": {"ward": "\ud83d!"}}""", @"field 'metadata.ward' holds an invalid escape (a lone surrogate \ud83d)")]
    [InlineData("""{"id": "x", "text": "t", "ward": "a\ud800\ud800"}""", @"field 'ward' holds an invalid escape (a lone surrogate \ud800)")]
    [InlineData("""{"id": "x", "text": "t", "\ud800": 1}""", @"a field name holds an invalid escape (a lone surrogate \ud800)")]
    [InlineData("""{"id": "x", "text": "t", "metadata": {"a\udfff": 1}}""", @"a field name in 'metadata' holds an invalid escape (a lone surrogate \udfff)")]
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

    [Theory]
    [InlineData("""{"id": "x", "text": "abc \ud800 def"}""", @"batch.jsonl:2: field 'text' holds an invalid escape (a lone surrogate \ud800)")]
    [InlineData("""{"id": "x", "text": "t", "metadata": {"m": "\udc00"}}""", @"batch.jsonl:2: field 'metadata.m' holds an invalid escape (a lone surrogate \udc00)")]
    [InlineData("""{"id": {}, "text": "t"}""", "batch.jsonl:2: field 'id' must be a string or an integer, not an object")]
    [InlineData("""{"id": "x", "text": "t", "codes": [null]}""", "batch.jsonl:2: field 'codes' must contain only non-empty strings, found null")]
    public void Read_StopAtFirstMode_ThrowsNoteFormatExceptionWithTheSameReason(string badLine, string expectedMessage)
    {
        var ex = Assert.Throws<NoteFormatException>(() =>
            ReadAll($"{{\"id\": \"a\", \"text\": \"t\"}}\n{badLine}\n", new NoteReaderOptions()));

        Assert.Equal(expectedMessage, ex.Message);
        Assert.Equal(2, ex.Error.Position);
    }

    [Fact]
    public void Read_BadFieldBeforeTheId_ErrorStillCarriesTheNoteId()
    {
        var results = ReadAll("""
            {"text": "abc \ud800", "codes": 3, "id": "n7"}
            {"id": 12, "text": false}

            """);

        Assert.Equal(("n7", "field 'text' holds an invalid escape (a lone surrogate \\ud800)"), (results[0].Error!.NoteId, results[0].Error!.Reason));
        Assert.Equal(("12", "field 'text' must be a string, not a boolean"), (results[1].Error!.NoteId, results[1].Error!.Reason));
    }

    [Fact]
    public void Read_ValidEscapes_AreUnescapedIncludingSurrogatePairs()
    {
        var note = ReadAll("""{"id": "e\u00e9", "text": "smile \ud83d\ude00 \"quoted\" \\ud800 tab\t", "codes": ["I10"], "metadata": {"w\u00e4rd": "\u00c4"}}""").Single().Note!;

        Assert.Equal("eé", note.Id);
        Assert.Equal("smile \U0001F600 \"quoted\" \\ud800 tab\t", note.Text);
        Assert.Equal("Ä", note.Metadata!["wärd"]);
    }

    [Fact]
    public void Read_TenThousandNestedArraysInMetadata_IsOneErrorAndReadingContinues()
    {
        string deep = "{\"id\": \"deep\", \"text\": \"t\", \"metadata\": {\"m\": " + new string('[', 10_000) + new string(']', 10_000) + "}}";

        var results = ReadAll($"{{\"id\": \"a\", \"text\": \"t\"}}\n{deep}\n{{\"id\": \"b\", \"text\": \"t\"}}\n");

        Assert.Equal(3, results.Count);
        Assert.Equal((2L, "JSON nested deeper than 64 levels"), (results[1].Error!.Position, results[1].Error!.Reason));
        Assert.Equal("b", results[2].Note!.Id);
    }

    [Theory]
    [InlineData(62, null)]
    [InlineData(63, "JSON nested deeper than 64 levels")]
    [InlineData(100_000, "JSON nested deeper than 64 levels")]
    public void Read_NestedObjects_AreKeptUpTo64LevelsAndRejectedBeyond(int depth, string? expectedReason)
    {
        // The record itself is level 1 and "m" level 2, so depth nested objects below "m" make depth + 2 levels.
        string nested = string.Concat(Enumerable.Repeat("{\"k\": ", depth)) + "1" + new string('}', depth);
        string line = $"{{\"id\": \"x\", \"text\": \"t\", \"m\": {{\"k\": {nested}}}}}";

        var result = ReadAll(line + "\n").Single();

        Assert.Equal(expectedReason, result.Error?.Reason);
        Assert.Equal(expectedReason is null ? "x" : null, result.Note?.Id);
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

    [Theory]
    [InlineData(new byte[] { 0xFF }, 0)]
    [InlineData(new byte[] { 0xC0, 0xAF }, 0)]
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 }, 0)]
    [InlineData(new byte[] { 0x61, 0xE2, 0x82 }, 1)]
    [InlineData(new byte[] { 0x61, 0x80, 0x62 }, 1)]
    public void Read_InvalidUtf8Sequences_NameTheByteAndTheNextLineIsRead(byte[] badBytes, int offsetInText)
    {
        byte[] prefix = "{\"id\": \"b\", \"text\": \""u8.ToArray();
        byte[] content = [.. prefix, .. badBytes, .. "\"}\n{\"id\": \"c\", \"text\": \"ok\"}\n"u8.ToArray()];

        var results = ReadAll(content);

        Assert.Equal($"invalid UTF-8 at byte {prefix.Length + offsetInText} of the line; notes must be UTF-8 text", results[0].Error!.Reason);
        Assert.Equal(1, results[0].Position);
        Assert.Equal("c", results[1].Note!.Id);
    }

    [Fact]
    public void Read_ByteOrderMarkAtTheStartOfALaterLine_IsIgnoredLikeTheFirst()
    {
        // What `cat a.jsonl b.jsonl` gives when b.jsonl starts with a BOM.
        byte[] content = [.. "{\"id\": \"a\", \"text\": \"t\"}\n"u8.ToArray(), 0xEF, 0xBB, 0xBF, .. "{\"id\": \"b\", \"text\": \"u\"}\n"u8.ToArray()];

        var results = ReadAll(content);

        Assert.Equal(["a", "b"], results.Select(r => r.Note!.Id));
    }

    [Fact]
    public void Read_FileMixingEveryKindOfBadLine_OneResultPerLineAndEveryGoodNoteIsRead()
    {
        var lines = new List<byte[]>
        {
            "{\"id\": \"good1\", \"text\": \"fine\"}"u8.ToArray(),
            "{\"id\": \"s\", \"text\": \"abc \\ud800 def\"}"u8.ToArray(),
            (byte[])[.. "{\"id\": \"u\", \"text\": \"caf"u8.ToArray(), 0xE9, .. "\"}"u8.ToArray()],
            Encoding.UTF8.GetBytes("{\"id\": \"d\", \"text\": \"t\", \"metadata\": {\"m\": " + new string('[', 10_000) + new string(']', 10_000) + "}}"),
            "{\"id\": 2.5, \"text\": \"t\"}"u8.ToArray(),
            "{\"id\": \"n\", \"text\": \"a\u0000b\"}"u8.ToArray(),
            "{\"id\": \"good1\", \"text\": \"again\"}"u8.ToArray(),
            "{\"id\": \"long\", \"text\": \"0123456789012345678901234567890123456789\"}"u8.ToArray(),
            "{\"id\": 17, \"text\": \"also fine\", \"codes\": [\"I10\"]}"u8.ToArray(),
        };
        byte[] content = [.. lines.SelectMany(line => (byte[])[.. line, (byte)'\n'])];

        var results = ReadAll(content, NoteReaderOptions.Collecting with { MaxNoteChars = 30 });

        Assert.Equal(Enumerable.Range(1, lines.Count).Select(i => (long)i), results.Select(r => r.Position));
        Assert.Equal(["good1", "17"], results.Where(r => r.Note is not null).Select(r => r.Note!.Id));
        Assert.All(results.Where(r => r.Note is null), r => Assert.Equal("batch.jsonl", r.Error!.Source));
        Assert.Equal(
            [
                @"field 'text' holds an invalid escape (a lone surrogate \ud800)",
                "invalid UTF-8 at byte 24 of the line; notes must be UTF-8 text",
                "JSON nested deeper than 64 levels",
                "field 'id' must be a string or an integer, not the number 2.5",
                "NUL byte at byte 22 of the line; notes must be UTF-8 text (is the file UTF-16 or binary?)",
                "duplicate id 'good1' (first seen at batch.jsonl:1)",
                "note is 40 characters, over the limit of 30 (Plant:Notes:MaxNoteChars)",
            ],
            results.Where(r => r.Error is not null).Select(r => r.Error!.Reason));
    }
}
