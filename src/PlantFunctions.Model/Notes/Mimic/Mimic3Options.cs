namespace PlantFunctions.Model.Notes.Mimic;

/// <summary>Mullenbach et al.'s two MIMIC-III settings.</summary>
public enum Mimic3LabelSetting
{
    /// <summary>MIMIC-III full: the <c>*_full_hadm_ids.csv</c> lists and every code.</summary>
    Full,

    /// <summary>MIMIC-III top-50: the <c>*_50_hadm_ids.csv</c> lists and only the 50 most frequent codes.</summary>
    Top50,
}

/// <summary>How <see cref="Mimic3Importer"/> reads MIMIC-III.</summary>
public sealed record Mimic3Options
{
    /// <summary>Full or top-50. Default: full.</summary>
    public Mimic3LabelSetting Labels { get; init; } = Mimic3LabelSetting.Full;

    /// <summary>
    /// Top-50 only: a file listing the codes to keep, one dotted code per line (text after a comma is ignored), such
    /// as CAML's <c>TOP_50_CODES.csv</c>. Without it the 50 codes carried by the most admissions of the full data
    /// (the union of the three <c>*_full_hadm_ids.csv</c> lists) are used; ties go to the code that sorts first.
    /// </summary>
    public string? LabelListFile { get; init; }

    /// <summary>Limits shared with the other note readers (the longest note accepted).</summary>
    public NoteReaderOptions Notes { get; init; } = new();
}
