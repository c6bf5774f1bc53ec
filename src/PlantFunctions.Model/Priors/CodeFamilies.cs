using PlantFunctions.Model.Labels;
using PlantFunctions.Model.Text;

namespace PlantFunctions.Model.Priors;

/// <summary>
/// What a code can borrow evidence from when its own notes are few or none (see <see cref="PriorComputation"/>): its
/// family, the other codes of its ICD category (<see cref="CodeCategories.CategoryOf"/>: "e11.65" and "e11.9" are of
/// "e11"), and its own description's token types.
/// </summary>
public sealed class CodeFamilies
{
    private readonly int[] familyOf;
    private readonly int[][] members;
    private readonly int[][] descriptionTokens;

    private CodeFamilies(int[] familyOf, int[][] members, int[][] descriptionTokens)
    {
        this.familyOf = familyOf;
        this.members = members;
        this.descriptionTokens = descriptionTokens;
    }

    /// <summary>Number of codes.</summary>
    public int Codes => familyOf.Length;

    /// <summary>The codes of <paramref name="code"/>'s family, itself included, ascending.</summary>
    public ReadOnlySpan<int> FamilyOf(int code) => members[familyOf[code]];

    /// <summary>The distinct token ids of <paramref name="code"/>'s description (reserved ids left out), ascending.</summary>
    public ReadOnlySpan<int> DescriptionTokensOf(int code) => descriptionTokens[code];

    /// <summary>Families by ICD category and description tokens for every code of <paramref name="labels"/>.</summary>
    public static CodeFamilies Build(LabelSet labels, Vocabulary vocabulary)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var familyOf = new int[labels.Count];
        var lists = new List<List<int>>();
        var tokens = new int[labels.Count][];
        for (int code = 0; code < labels.Count; code++)
        {
            string category = CodeCategories.CategoryOf(labels.Codes[code]);
            if (!index.TryGetValue(category, out int family))
            {
                family = index[category] = lists.Count;
                lists.Add([]);
            }

            familyOf[code] = family;
            lists[family].Add(code);
            tokens[code] = [.. vocabulary.Encode(labels.Descriptions[code]).Where(id => id >= Vocabulary.Reserved.Count).Distinct().Order()];
        }

        return new CodeFamilies(familyOf, [.. lists.Select(l => l.ToArray())], tokens);
    }
}
