using PlantFunctions.Model.Notes;

namespace PlantFunctions.Cli.Commands;

/// <summary>Reads the corpus a command names: a CodiEsp root and split, or a note file/folder.</summary>
internal static class CorpusArguments
{
    internal static IReadOnlyList<ClinicalNote> Load(string? codiesp, string? notes, CodiEspLabels labels, string split) =>
        notes is not null
            ? [.. NoteReader.Read(notes).Select(r => r.Note!)]
            : CodiEspImporter.Read(codiesp ?? SampleData.CodiEspRoot, split, labels);

    internal static IReadOnlyList<ClinicalNote>? Unlabelled(string? unlabelled, string? codiesp)
    {
        if (unlabelled is not null)
        {
            return [.. NoteReader.Read(unlabelled).Select(r => r.Note!)];
        }

        string? background = codiesp is null ? null : Path.Combine(codiesp, "background", "text_files_en");
        return background is not null && Directory.Exists(background) ? CodiEspImporter.Read(codiesp!, "background") : null;
    }
}
