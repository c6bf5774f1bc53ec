namespace PlantFunctions.Model.Notes;

/// <summary>Either a note or the error that stands in its place, in source order, with where it came from.</summary>
/// <param name="Note">The note, when it could be read.</param>
/// <param name="Error">Why the record could not be read, otherwise <c>null</c>.</param>
/// <param name="Source">File or blob name.</param>
/// <param name="Position">1-based line of the record (0 for a whole-file note).</param>
public sealed record NoteReadResult(ClinicalNote? Note, NoteReadError? Error, string Source, long Position)
{
    /// <summary>A successfully read note.</summary>
    public static NoteReadResult Ok(ClinicalNote note, string source, long position) => new(note, null, source, position);

    /// <summary>A record that could not be read.</summary>
    public static NoteReadResult Failed(NoteReadError error) => new(null, error, error.Source, error.Position);

    /// <summary>"file:line" or "file", for messages.</summary>
    public string Location => Position > 0 ? $"{Source}:{Position}" : Source;
}
