namespace PlantFunctions.Model.Notes;

/// <summary>The note file formats the readers accept.</summary>
public enum NoteFileFormat
{
    /// <summary>One JSON object per line (<c>.jsonl</c>, <c>.ndjson</c>).</summary>
    JsonLines,

    /// <summary>RFC 4180 CSV with a header row (<c>.csv</c>).</summary>
    Csv,

    /// <summary>One note per plain-text file, id = file name (<c>.txt</c>).</summary>
    Text,
}
