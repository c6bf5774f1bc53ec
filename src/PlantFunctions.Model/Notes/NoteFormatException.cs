namespace PlantFunctions.Model.Notes;

/// <summary>Thrown in <see cref="NoteErrorMode.StopAtFirst"/> mode for the first bad record.</summary>
public sealed class NoteFormatException(NoteReadError error) : Exception(error.ToString())
{
    /// <summary>The record that could not be read.</summary>
    public NoteReadError Error { get; } = error;
}
