using System.Text;
using PlantFunctions.Model.Notes;

namespace PlantFunctions.Model.Tests.Notes;

public sealed class CsvNoteReaderTests
{
    private static List<NoteReadResult> ReadAll(string content, NoteReaderOptions? options = null) =>
        [.. NoteReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(content)), "notes.csv", options ?? NoteReaderOptions.Collecting)];

    [Fact]
    public void Read_QuotedFieldsWithNewlinesCommasAndQuotes_AreParsedPerRfc4180()
    {
        var results = ReadAll("id,text,codes,ward\r\n" +
                              "n1,\"Line one,\r\nline \"\"two\"\"\",I10;E11.9,A\r\n" +
                              "n2,plain text,,B\r\n");

        Assert.Equal(2, results.Count);
        var first = results[0].Note!;
        Assert.Equal("n1", first.Id);
        Assert.Equal("Line one,\r\nline \"two\"", first.Text);
        Assert.Equal(["I10", "E11.9"], first.Codes);
        Assert.Equal("A", first.Metadata!["ward"]);
        Assert.Equal(2, results[0].Position);
        Assert.Equal("n2", results[1].Note!.Id);
        Assert.Empty(results[1].Note!.Codes!);
        Assert.Equal(4, results[1].Position);
    }

    [Fact]
    public void Read_WrongFieldCount_ReportsRecordLineAndContinues()
    {
        var results = ReadAll("id,text\nn1,a,extra\nn2,b\n");

        Assert.Contains("record has 3 fields but the header has 2", results[0].Error!.Reason, StringComparison.Ordinal);
        Assert.Equal(2, results[0].Error!.Position);
        Assert.Equal("n1", results[0].Error!.NoteId);
        Assert.Equal("n2", results[1].Note!.Id);
    }

    [Fact]
    public void Read_UnclosedQuote_IsReported()
    {
        var results = ReadAll("id,text\nn1,\"never closed\n");

        Assert.Contains("never closed", results.Single().Error!.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_HeaderWithoutText_IsOneClearError()
    {
        var results = ReadAll("id,body\nn1,x\n");

        Assert.Contains("'id' column and a 'text' column", results.Single().Error!.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_EmptyTextAndMissingId_AreErrors()
    {
        var results = ReadAll("id,text\n,has no id\nn2,\"\"\nn3,ok\n");

        Assert.Equal("missing id", results[0].Error!.Reason);
        Assert.Equal("empty text", results[1].Error!.Reason);
        Assert.Equal("n3", results[2].Note!.Id);
    }

    [Fact]
    public void Read_InvalidUtf8InOneField_SpoilsOnlyThatRecord()
    {
        byte[] content = [.. "id,text\nn1,ok\nn2,bad"u8.ToArray(), 0xFF, .. "\nn3,ok\n"u8.ToArray()];
        var results = NoteReader.Read(new MemoryStream(content), "x.csv", NoteReaderOptions.Collecting).ToList();

        Assert.NotNull(results[0].Note);
        Assert.Contains("column 'text': invalid UTF-8", results[1].Error!.Reason, StringComparison.Ordinal);
        Assert.NotNull(results[2].Note);
    }

    [Theory]
    [InlineData("n2,\"abc\"def\n", "unexpected 'd' after a closing quote (a quote inside a quoted field must be doubled)")]
    [InlineData("n2,\"never closed\nn3,ok\nn4,\"fine\"\n", "a quoted field opened on line 3 ends on line 5 before 'f' (is a quote missing, or not doubled?)")]
    [InlineData("n2,\"never closed\nn3,ok\nn4,fine\n", "a quoted field opened on line 3 is never closed")]
    [InlineData("n2\n", "record has 1 field but the header has 2")]
    [InlineData("n2,a,b,c\n", "record has 4 fields but the header has 2")]
    [InlineData("n2,a\0b\n", "column 'text': NUL byte at byte 1 of the field; notes must be UTF-8 text (is the file UTF-16 or binary?)")]
    [InlineData("id,text\n", "the header row appears again (were two CSV files joined?)")]
    public void Read_BadRecord_IsOneErrorAndTheRecordsAfterItAreRead(string badRecords, string expectedReason)
    {
        var results = ReadAll("id,text\nn1,first\n" + badRecords + "n8,last\n");

        var errors = results.Where(r => r.Error is not null).ToList();
        var error = Assert.Single(errors).Error!;
        Assert.Equal(("notes.csv", 3L, expectedReason), (error.Source, error.Position, error.Reason));
        Assert.Equal("n1", results[0].Note!.Id);
        Assert.Equal("n8", results[^1].Note!.Id);
    }

    [Fact]
    public void Read_UnclosedQuote_RecordsAfterItKeepTheirLineNumbers()
    {
        var results = ReadAll("id,text\nn1,ok\nn2,\"stray quote\nn3,three\nn4,\"multi\nline\"\nn5,five\n");

        Assert.Equal(["n1", null, "n3", "n4", "n5"], results.Select(r => r.Note?.Id));
        Assert.Equal([2L, 3L, 4L, 5L, 7L], results.Select(r => r.Position));
        Assert.Equal(("n2", "a quoted field opened on line 3 ends on line 5 before 'm' (is a quote missing, or not doubled?)"),
            (results[1].Error!.NoteId, results[1].Error!.Reason));
        Assert.Equal("multi\nline", results[3].Note!.Text);
    }

    [Fact]
    public void Read_ByteOrderMarkAtTheStartOfALaterRecord_IsIgnored()
    {
        byte[] content = [.. "id,text\nn1,a\n"u8.ToArray(), 0xEF, 0xBB, 0xBF, .. "n2,b\n"u8.ToArray()];

        var results = NoteReader.Read(new MemoryStream(content), "x.csv", NoteReaderOptions.Collecting).ToList();

        Assert.Equal(["n1", "n2"], results.Select(r => r.Note!.Id));
    }

    [Fact]
    public void Read_NoteOverSizeLimit_IsAnErrorNamingTheLimit()
    {
        var results = ReadAll("id,text\nn1,0123456789A\nn2,ok\n", NoteReaderOptions.Collecting with { MaxNoteChars = 10 });

        Assert.Equal(("n1", "note is 11 characters, over the limit of 10 (Plant:Notes:MaxNoteChars)"), (results[0].Error!.NoteId, results[0].Error!.Reason));
        Assert.Equal("n2", results[1].Note!.Id);
    }

    [Fact]
    public void Read_StopAtFirstMode_ThrowsNoteFormatExceptionForABadQuote()
    {
        var ex = Assert.Throws<NoteFormatException>(() =>
            ReadAll("id,text\nn1,ok\nn2,\"a\"b\n", new NoteReaderOptions()).ToList());

        Assert.Equal("notes.csv:3: unexpected 'b' after a closing quote (a quote inside a quoted field must be doubled)", ex.Message);
    }

    [Fact]
    public void Read_RecordFarOverByteLimit_IsOneErrorAndReadingContinues()
    {
        var options = NoteReaderOptions.Collecting with { MaxNoteChars = 1 };
        string huge = "\"" + new string('a', 3 << 20) + "\"";

        var results = ReadAll($"id,text\nn1,{huge}\nn2,b\n", options);

        Assert.Equal(2, results.Count);
        Assert.Equal((2L, "n1"), (results[0].Position, results[0].Error!.NoteId));
        Assert.StartsWith("record is longer than 1,048,582 bytes", results[0].Error!.Reason, StringComparison.Ordinal);
        Assert.Equal("n2", results[1].Note!.Id);
    }
}
