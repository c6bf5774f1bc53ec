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
}
