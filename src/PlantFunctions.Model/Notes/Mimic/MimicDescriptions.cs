using PlantFunctions.Model.Labels;

namespace PlantFunctions.Model.Notes.Mimic;

/// <summary>Code descriptions from the dictionary tables that ship with MIMIC (D_ICD_DIAGNOSES, D_ICD_PROCEDURES), keyed by dotted code.</summary>
internal static class MimicDescriptions
{
    /// <summary>
    /// Reads the diagnosis and procedure dictionaries when both are in <paramref name="folder"/> (LONG_TITLE per code,
    /// only rows of <paramref name="icdVersion"/> when given); <c>null</c> when either is missing.
    /// </summary>
    internal static IcdDescriptions? Read(string folder, string diagnosesName, string proceduresName, int? icdVersion, long maxRecordBytes)
    {
        string dataset = icdVersion is null ? "MIMIC-III" : "MIMIC-IV";
        string? diagnoses = MimicTable.FindOptional(folder, diagnosesName, dataset);
        string? procedures = MimicTable.FindOptional(folder, proceduresName, dataset);
        if (diagnoses is null || procedures is null)
        {
            return null;
        }

        var descriptions = new IcdDescriptions();
        int version = icdVersion ?? 9;
        Add(descriptions, procedures, icdVersion, IcdCodeFormat.For(version, diagnoses: false), maxRecordBytes);
        Add(descriptions, diagnoses, icdVersion, IcdCodeFormat.For(version, diagnoses: true), maxRecordBytes);
        return descriptions;
    }

    private static void Add(IcdDescriptions descriptions, string path, int? icdVersion, Func<string, string> format, long maxRecordBytes)
    {
        string[] required = icdVersion is null ? ["ICD9_CODE", "LONG_TITLE"] : ["icd_code", "long_title", "icd_version"];
        foreach (var row in MimicTable.Read(path, required, [], maxRecordBytes))
        {
            if (row.IsBlank(0) || (icdVersion is { } version && row.Value(2) != version.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            {
                continue;
            }

            descriptions.Add(format(row.Value(0)), row.Value(1));
        }
    }
}
