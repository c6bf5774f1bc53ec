using System.ComponentModel.DataAnnotations;
using PlantFunctions.Model.Notes;

namespace PlantFunctions.Pipeline.Configuration;

/// <summary>Input note limits (<c>Plant:Notes</c>).</summary>
public sealed class NoteOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Plant:Notes";

    /// <summary>Longer notes become error records. Default 2,000,000 characters. Captured per batch.</summary>
    [Range(1, 100_000_000)]
    public int MaxNoteChars { get; set; } = NoteReaderOptions.DefaultMaxNoteChars;
}
