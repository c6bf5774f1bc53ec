namespace PlantFunctions.Model.Notes;

/// <summary>What a reader does with a bad record.</summary>
public enum NoteErrorMode
{
    /// <summary>Throw <see cref="NoteFormatException"/> at the first bad record (training data, CLI).</summary>
    StopAtFirst,

    /// <summary>Yield an error result in the record's place and go on (batch coding).</summary>
    Collect,
}

/// <summary>Settings shared by all note readers.</summary>
public sealed record NoteReaderOptions
{
    /// <summary>Default upper bound on a note's text, in characters (about 300,000 words).</summary>
    public const int DefaultMaxNoteChars = 2_000_000;

    /// <summary>Stop or collect on bad records. Default: stop.</summary>
    public NoteErrorMode ErrorMode { get; init; } = NoteErrorMode.StopAtFirst;

    /// <summary>Notes longer than this many characters are rejected with a clear error.</summary>
    public int MaxNoteChars { get; init; } = DefaultMaxNoteChars;

    /// <summary>Options for batch coding: collect errors, keep going.</summary>
    public static NoteReaderOptions Collecting { get; } = new() { ErrorMode = NoteErrorMode.Collect };
}
