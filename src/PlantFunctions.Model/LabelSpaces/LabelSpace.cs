using PlantFunctions.Model.Labels;

namespace PlantFunctions.Model.LabelSpaces;

/// <summary>
/// Which codes a model ranks: the codes of its training notes, or more. <c>train</c>: those alone. <c>categories</c>:
/// also every code of the descriptions table whose ICD category (<see cref="CodeCategories.CategoryOf"/>) some training
/// code has. <c>categories-no-7th</c>: the same without codes of seven characters (ICD-10-CM's 7th-character
/// extensions, thousands per injury category, which CodiEsp never uses: it writes X-placeholder codes instead).
/// <c>billable</c>: every leaf code of the descriptions table (no other table code extends it), with the bundled table
/// the whole of ICD-10-CM's billable codes (about 72,000; code with a shortlist, see <see cref="Coding.CodingOptions.Shortlist"/>). Any
/// other value is a file with one code per line (a first field before a tab or comma; '#' starts a comment). Codes the
/// training notes do not carry are scored from their descriptions and families (<see cref="LabelSpaceExtender"/>).
/// </summary>
public sealed record LabelSpace(string Name)
{
    /// <summary>The training codes only (the default).</summary>
    public const string Train = "train";

    /// <summary>Every table code in a category of the training codes.</summary>
    public const string Categories = "categories";

    /// <summary>As <see cref="Categories"/>, without 7-character codes.</summary>
    public const string CategoriesNo7th = "categories-no-7th";

    /// <summary>Every leaf (billable) code of the descriptions table.</summary>
    public const string Billable = "billable";

    /// <summary>Whether the space adds nothing to the training codes.</summary>
    public bool IsTrain => Name.Equals(Train, StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether the space is a file of codes.</summary>
    public bool IsFile => !IsTrain && !new[] { Categories, CategoriesNo7th, Billable }.Contains(Name, StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Checks, before any training, that the space can be built: a code file exists, a category space has a descriptions
    /// table, and category sharing (whose category rows a grown model would not have) is off. Throws naming the problem.
    /// </summary>
    public void Validate(IcdDescriptions? table, bool categorySharing)
    {
        if (IsTrain)
        {
            return;
        }

        if (categorySharing)
        {
            throw new ArgumentException($"label space '{Name}' does not work with category sharing: give one of them");
        }

        if (IsFile && !File.Exists(Name))
        {
            throw new FileNotFoundException($"label space '{Name}' is not '{Train}', '{Categories}', '{CategoriesNo7th}' or '{Billable}', and no such code file exists", Name);
        }

        if (!IsFile && (table is null || table.Count == 0))
        {
            throw new ArgumentException($"label space '{Name}' needs a descriptions table: its codes come from the table");
        }
    }

    /// <summary>
    /// The codes the space adds to <paramref name="trained"/>, with their own descriptions (<c>null</c> without an entry),
    /// in table order (or file order), none twice and none already trained (compared case-insensitively). Added codes are
    /// written in the training codes' case: CodiEsp's lower-case "e11.65" gains "e11.649", not "E11.649".
    /// </summary>
    public IReadOnlyList<(string Code, string? Description)> ExtraCodes(LabelSet trained, IcdDescriptions? table)
    {
        if (IsTrain)
        {
            return [];
        }

        var known = new HashSet<string>(trained.Codes, StringComparer.OrdinalIgnoreCase);
        bool lower = trained.Codes.All(c => !c.Any(char.IsUpper));
        IEnumerable<string> candidates;
        if (IsFile)
        {
            candidates = ReadCodeFile(Name);
        }
        else
        {
            if (table is null || table.Count == 0)
            {
                throw new ArgumentException($"label space '{Name}' needs a descriptions table: its codes come from the table");
            }

            var categories = new HashSet<string>(trained.Codes.Select(CodeCategories.CategoryOf), StringComparer.OrdinalIgnoreCase);
            bool no7th = Name.Equals(CategoriesNo7th, StringComparison.OrdinalIgnoreCase);
            candidates = Name.Equals(Billable, StringComparison.OrdinalIgnoreCase) ? Leaves(table.Codes)
                : table.Codes.Where(c => categories.Contains(CodeCategories.CategoryOf(c)) && !(no7th && c.Replace(".", "", StringComparison.Ordinal).Length >= 7));
        }

        var extra = new List<(string, string?)>();
        foreach (string candidate in candidates)
        {
            string code = lower ? candidate.ToLowerInvariant() : candidate;
            if (known.Add(code))
            {
                extra.Add((code, table?.Describe(code)));
            }
        }

        return extra;
    }

    /// <summary>
    /// The codes no other code of <paramref name="codes"/> extends (compared without dots, case-insensitively), in their
    /// order: ICD-10-CM's billable codes, since every non-billable code heads codes below it.
    /// </summary>
    internal static IEnumerable<string> Leaves(IEnumerable<string> codes)
    {
        var list = codes.ToList();
        static string Key(string code) => code.Replace(".", "", StringComparison.Ordinal).ToUpperInvariant();
        var sorted = list.Select(Key).Distinct().Order(StringComparer.Ordinal).ToList();
        var heads = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i + 1 < sorted.Count; i++)
        {
            // In sorted order a code's extensions follow it directly, so the next code tells.
            if (sorted[i + 1].StartsWith(sorted[i], StringComparison.Ordinal))
            {
                heads.Add(sorted[i]);
            }
        }

        return list.Where(c => !heads.Contains(Key(c)));
    }

    private static IEnumerable<string> ReadCodeFile(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"label space '{path}' is not '{Train}', '{Categories}', '{CategoriesNo7th}' or '{Billable}', and no such code file exists", path);
        }

        int lineNumber = 0;
        foreach (string line in File.ReadLines(path))
        {
            lineNumber++;
            string content = line.Split('#')[0];
            string code = content.Split('\t', ',')[0].Trim();
            if (code.Length == 0 || (lineNumber == 1 && code.Equals("code", StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            if (code.Any(char.IsWhiteSpace))
            {
                throw new InvalidDataException($"label space file '{path}' line {lineNumber}: '{code}' is not a code (it holds white space)");
            }

            yield return code;
        }
    }
}
