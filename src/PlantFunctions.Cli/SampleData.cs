namespace PlantFunctions.Cli;

/// <summary>Where the bundled sample data is: copied next to the binary, or in the repository when run from source.</summary>
internal static class SampleData
{
    /// <summary>The bundled CodiEsp sample root.</summary>
    public static string CodiEspRoot => Find(Path.Combine("samples", "codiesp"));

    /// <summary>
    /// The bundled ICD-10-CM description tables: every code with its CMS long description (FY2014-FY2019), and the
    /// descriptions of the X-placeholder codes CodiEsp writes without a 7th character.
    /// </summary>
    public static string[] Icd10CmTables =>
    [
        Find(Path.Combine("samples", "icd10cm", "icd10cm_codes.tsv.gz")),
        Find(Path.Combine("samples", "icd10cm", "icd10cm_codiesp_placeholder_aliases.tsv")),
    ];

    /// <summary>The bundled ICD-9-CM description table (diagnoses and procedures, as MIMIC-III coding work uses it).</summary>
    public static string Icd9CmTable => Find(Path.Combine("samples", "icd9cm", "ICD9_descriptions.tsv.gz"));

    private static string Find(string relative)
    {
        foreach (string start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, relative);
                if (Path.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        throw new FileNotFoundException($"bundled sample data '{relative}' not found next to the program or in a parent folder");
    }
}
