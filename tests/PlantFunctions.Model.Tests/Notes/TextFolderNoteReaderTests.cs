using PlantFunctions.Model.Notes;

namespace PlantFunctions.Model.Tests.Notes;

public sealed class TextFolderNoteReaderTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("plant-notes-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void Read_Folder_UsesFileNamesAsIdsAndReportsBadFiles()
    {
        File.WriteAllBytes(Path.Combine(folder, "b.txt"), [0xEF, 0xBB, 0xBF, .. "Second note."u8.ToArray()]);
        File.WriteAllText(Path.Combine(folder, "a.txt"), "First note.");
        File.WriteAllText(Path.Combine(folder, "c.txt"), "  \n");
        File.WriteAllBytes(Path.Combine(folder, "d.txt"), [0x61, 0xFE, 0x62]);
        File.WriteAllText(Path.Combine(folder, "ignored.md"), "not a note");

        var results = NoteReader.Read(folder, NoteReaderOptions.Collecting).ToList();

        Assert.Equal(4, results.Count);
        Assert.Equal(("a", "First note."), (results[0].Note!.Id, results[0].Note!.Text));
        Assert.Equal("Second note.", results[1].Note!.Text);
        Assert.Equal(("c", "empty text"), (results[2].Error!.NoteId, results[2].Error!.Reason));
        Assert.Contains("invalid UTF-8 at byte 1 of the file", results[3].Error!.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_MixedFormatsInFolder_DetectsDuplicateIdsAcrossFiles()
    {
        File.WriteAllText(Path.Combine(folder, "n1.txt"), "text");
        File.WriteAllText(Path.Combine(folder, "more.jsonl"), "{\"id\": \"n1\", \"text\": \"again\"}\n");

        var results = NoteReader.Read(folder, NoteReaderOptions.Collecting).ToList();

        Assert.Single(results, r => r.Note is not null);
        Assert.Contains("duplicate id 'n1'", results.Single(r => r.Error is not null).Error!.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_UnknownExtension_IsAnError()
    {
        var result = NoteReader.Read(new MemoryStream("x"u8.ToArray()), "notes.xml", NoteReaderOptions.Collecting).Single();

        Assert.Contains("not a note file", result.Error!.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new byte[] { 0x61, 0x62, 0xFF, 0x63 }, "invalid UTF-8 at byte 2 of the file; notes must be UTF-8 text")]
    [InlineData(new byte[] { 0xFF, 0xFE, 0x61, 0x00 }, "invalid UTF-8 at byte 0 of the file; notes must be UTF-8 text")]
    [InlineData(new byte[] { 0x61, 0x00, 0x62 }, "NUL byte at byte 1 of the file; notes must be UTF-8 text (is the file UTF-16 or binary?)")]
    [InlineData(new byte[] { 0x20, 0x0A }, "empty text")]
    [InlineData(new byte[] { 0x61, 0x62, 0x63, 0x64, 0x65 }, "note is 5 characters, over the limit of 4 (Plant:Notes:MaxNoteChars)")]
    public void Read_BadTextFile_IsOneErrorNamingTheFile(byte[] content, string expectedReason)
    {
        var options = NoteReaderOptions.Collecting with { MaxNoteChars = 4 };

        var result = NoteReader.Read(new MemoryStream(content), "notes/n9.txt", options).Single();

        Assert.Equal(new NoteReadError("notes/n9.txt", 0, "n9", expectedReason), result.Error);
        var ex = Assert.Throws<NoteFormatException>(() => NoteReader.Read(new MemoryStream(content), "notes/n9.txt", options with { ErrorMode = NoteErrorMode.StopAtFirst }).ToList());
        Assert.Equal($"notes/n9.txt: {expectedReason}", ex.Message);
    }

    [Fact]
    public void Read_FolderWithABadFileOfEachFormat_ReadsTheGoodNotesOfEveryFile()
    {
        File.WriteAllBytes(Path.Combine(folder, "a.jsonl"), [.. "{\"id\": \"j1\", \"text\": \"x \\udc00\"}\n{\"id\": \"j2\", \"text\": \"ok\"}\n"u8.ToArray()]);
        File.WriteAllBytes(Path.Combine(folder, "b.csv"), [.. "id,text\nc1,\"open\nc2,ok\n"u8.ToArray()]);
        File.WriteAllBytes(Path.Combine(folder, "c.txt"), [0x61, 0xC3]);
        File.WriteAllText(Path.Combine(folder, "d.txt"), "fine");

        var results = NoteReader.Read(folder, NoteReaderOptions.Collecting).ToList();

        Assert.Equal(["j2", "c2", "d"], results.Where(r => r.Note is not null).Select(r => r.Note!.Id));
        Assert.Equal(
            [$"{Path.Combine(folder, "a.jsonl")}:1", $"{Path.Combine(folder, "b.csv")}:2", Path.Combine(folder, "c.txt")],
            results.Where(r => r.Error is not null).Select(r => r.Location));
    }
}
