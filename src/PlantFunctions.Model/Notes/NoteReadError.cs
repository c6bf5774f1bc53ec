namespace PlantFunctions.Model.Notes;

/// <summary>A note that could not be read, with where it was and why.</summary>
/// <param name="Source">File or blob name.</param>
/// <param name="Position">1-based line number (JSON Lines), record number (CSV) or 0 for a whole file.</param>
/// <param name="NoteId">The note's id when it could be read, else <c>null</c>.</param>
/// <param name="Reason">What is wrong, in words a user can act on.</param>
public sealed record NoteReadError(string Source, long Position, string? NoteId, string Reason)
{
    /// <inheritdoc />
    public override string ToString() =>
        Position > 0 ? $"{Source}:{Position}: {Reason}" : $"{Source}: {Reason}";
}
