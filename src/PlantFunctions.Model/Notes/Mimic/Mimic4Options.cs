namespace PlantFunctions.Model.Notes.Mimic;

/// <summary>How <see cref="Mimic4Importer"/> reads MIMIC-IV.</summary>
public sealed record Mimic4Options
{
    /// <summary>Edin et al.'s minimum number of admissions a code needs to be kept.</summary>
    public const int DefaultMinCodeCount = 10;

    /// <summary>Which codes to read: 9 (ICD-9-CM/PCS) or 10 (ICD-10-CM/PCS), by the tables' <c>icd_version</c>. Default: 10.</summary>
    public int IcdVersion { get; init; } = 10;

    /// <summary>
    /// Codes carried by fewer admissions of the split file (all three splits) are dropped, as Edin et al. drop codes
    /// seen fewer than 10 times. 1 keeps every code. Default: 10.
    /// </summary>
    public int MinCodeCount { get; init; } = DefaultMinCodeCount;

    /// <summary>The folder holding <c>discharge.csv(.gz)</c>; default <c>{root}/note</c> (MIMIC-IV-Note is a separate download).</summary>
    public string? NotesFolder { get; init; }

    /// <summary>Limits shared with the other note readers (the longest note accepted).</summary>
    public NoteReaderOptions Notes { get; init; } = new();
}
