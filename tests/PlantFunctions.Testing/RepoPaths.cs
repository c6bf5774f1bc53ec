namespace PlantFunctions.Testing;

/// <summary>Locations of the repository and of the shared data beside it, found from the test binary's folder.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> RootPath = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "PlantFunctions.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"PlantFunctions.sln not found above '{AppContext.BaseDirectory}'");
    });

    /// <summary>The repository root (the folder holding PlantFunctions.sln).</summary>
    public static string Root => RootPath.Value;

    /// <summary>The bundled CodiEsp sample (<c>samples/codiesp</c>).</summary>
    public static string CodiEspSample => Path.Combine(Root, "samples", "codiesp");

    /// <summary>The bundled ICD-10-CM category table.</summary>
    public static string Icd10CmCategories => Path.Combine(Root, "samples", "icd10cm", "icd10cm-categories-April-1-2026.csv");

    /// <summary>The bundled ICD-10-CM code table (gzipped) and CodiEsp's X-placeholder aliases.</summary>
    public static string[] Icd10CmTables =>
    [
        Path.Combine(Root, "samples", "icd10cm", "icd10cm_codes.tsv.gz"),
        Path.Combine(Root, "samples", "icd10cm", "icd10cm_codiesp_placeholder_aliases.tsv"),
    ];

    /// <summary>The bundled ICD-9-CM table (gzipped).</summary>
    public static string Icd9CmTable => Path.Combine(Root, "samples", "icd9cm", "ICD9_descriptions.tsv.gz");

    /// <summary>
    /// The shared data folder (<c>../shared/data</c> beside the checkout, or PLANT_SHARED_DATA). Tests that read it are
    /// skipped, with this path in the reason, on a machine without it (everything else runs on the bundled sample).
    /// </summary>
    public static string SharedDataPath =>
        Environment.GetEnvironmentVariable("PLANT_SHARED_DATA") ?? Path.GetFullPath(Path.Combine(Root, "..", "shared", "data"));

    /// <summary>Whether <see cref="SharedDataPath"/> exists.</summary>
    public static bool HasSharedData => Directory.Exists(SharedDataPath);
}
