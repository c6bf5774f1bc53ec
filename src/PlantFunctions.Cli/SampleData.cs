namespace PlantFunctions.Cli;

/// <summary>Where the bundled sample data is: copied next to the binary, or in the repository when run from source.</summary>
internal static class SampleData
{
    /// <summary>The bundled CodiEsp sample root.</summary>
    public static string CodiEspRoot => Find(Path.Combine("samples", "codiesp"));

    /// <summary>The bundled ICD-10-CM category table.</summary>
    public static string Icd10CmCategories => Find(Path.Combine("samples", "icd10cm", "icd10cm-categories-April-1-2026.csv"));

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
