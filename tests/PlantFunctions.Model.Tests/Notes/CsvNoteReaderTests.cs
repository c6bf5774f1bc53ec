using System.Text;
using PlantFunctions.Model.Notes;

namespace PlantFunctions.Model.Tests.Notes;

public sealed class CsvNoteReaderTests
{
    private static List<NoteReadResult> ReadAll(string content) =>
        [.. NoteReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(content)), "notes.csv", NoteReaderOptions.Collecting)];

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
}
