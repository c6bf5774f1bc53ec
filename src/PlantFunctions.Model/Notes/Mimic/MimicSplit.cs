namespace PlantFunctions.Model.Notes.Mimic;

/// <summary>The three parts of a standard MIMIC split.</summary>
public enum MimicSplit
{
    /// <summary>Training admissions.</summary>
    Train,

    /// <summary>Validation admissions ("dev" in Mullenbach et al.'s id lists, "val" in Edin et al.'s split files).</summary>
    Dev,

    /// <summary>Held-out test admissions.</summary>
    Test,
}
