using PlantFunctions.Model.Labels;

namespace PlantFunctions.Model.Notes.Mimic;

/// <summary>The notes of the MIMIC splits that were asked for, one note per admission, in the split files' order.</summary>
/// <param name="Notes">Each split's notes: id = the admission id, text = its discharge summary (report and addenda joined), codes = its dotted codes.</param>
/// <param name="AdmissionsWithoutNote">Admissions a split lists but the notes table has no (non-empty) discharge summary for; they are left out.</param>
/// <param name="Labels">The codes notes were restricted to (top-50, or the codes frequent enough); <c>null</c> when every code was kept.</param>
/// <param name="Descriptions">Code descriptions from the dataset's dictionary tables (D_ICD_*), when they are in the folder.</param>
public sealed record MimicCorpus(
    IReadOnlyDictionary<MimicSplit, IReadOnlyList<ClinicalNote>> Notes,
    IReadOnlyDictionary<MimicSplit, IReadOnlyList<string>> AdmissionsWithoutNote,
    IReadOnlyList<string>? Labels,
    IcdDescriptions? Descriptions)
{
    /// <summary>The notes of one split that was read.</summary>
    public IReadOnlyList<ClinicalNote> this[MimicSplit split] =>
        Notes.TryGetValue(split, out var notes) ? notes : throw new KeyNotFoundException($"the {split.ToString().ToLowerInvariant()} split was not read");
}
