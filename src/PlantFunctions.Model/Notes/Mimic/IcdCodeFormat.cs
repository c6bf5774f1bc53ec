namespace PlantFunctions.Model.Notes.Mimic;

/// <summary>
/// Writes the undotted codes of the MIMIC tables with their decimal point, as the standard preprocessing does
/// (Mullenbach et al. for ICD-9, Edin et al. for ICD-10), so labels read "428.0" and "I50.9" as in the papers.
/// </summary>
public static class IcdCodeFormat
{
    /// <summary>ICD-9-CM diagnosis: E codes take the point after 4 characters, all others after 3 (when longer).</summary>
    public static string Icd9Diagnosis(string code)
    {
        string bare = Bare(code);
        int point = bare.StartsWith('E') ? 4 : 3;
        return WithPoint(bare, point);
    }

    /// <summary>ICD-9-CM procedure: the point after 2 characters (when longer).</summary>
    public static string Icd9Procedure(string code) => WithPoint(Bare(code), 2);

    /// <summary>ICD-10-CM diagnosis: the point after 3 characters (when longer; "I10" stays "I10").</summary>
    public static string Icd10Diagnosis(string code) => WithPoint(Bare(code), 3);

    /// <summary>ICD-10-PCS procedure: seven characters, no point.</summary>
    public static string Icd10Procedure(string code) => Bare(code);

    /// <summary>The formatter for a code table of the given ICD version (9 or 10).</summary>
    public static Func<string, string> For(int icdVersion, bool diagnoses) => (icdVersion, diagnoses) switch
    {
        (9, true) => Icd9Diagnosis,
        (9, false) => Icd9Procedure,
        (10, true) => Icd10Diagnosis,
        (10, false) => Icd10Procedure,
        _ => throw new ArgumentOutOfRangeException(nameof(icdVersion), icdVersion, "the ICD version must be 9 or 10"),
    };

    private static string Bare(string code) => code.Trim().Replace(".", "", StringComparison.Ordinal).ToUpperInvariant();

    private static string WithPoint(string code, int point) => code.Length > point ? $"{code[..point]}.{code[point..]}" : code;
}
