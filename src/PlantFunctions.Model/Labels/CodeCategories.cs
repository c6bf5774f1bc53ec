namespace PlantFunctions.Model.Labels;

/// <summary>
/// Groups codes by their ICD category, for <see cref="Training.TrainingOptions.CategorySharing"/>: the part before the
/// first dot (ICD-10-CM "e11.65" and "e11.9" -> "e11", ICD-9-CM "428.0" -> "428"), or for a code without a dot, its
/// first three characters (ICD-10-PCS "0dtj4zz" -> "0dt"). Only categories holding at least two of the label set's codes
/// form a group; the other codes belong to none.
/// </summary>
public sealed class CodeCategories
{
    private CodeCategories(int[] groupOf, int groups)
    {
        GroupOf = groupOf;
        Count = groups;
    }

    /// <summary>Per code, in label order, its group's index, or -1 when it shares its category with no other code.</summary>
    public IReadOnlyList<int> GroupOf { get; }

    /// <summary>Number of groups (categories with at least two codes).</summary>
    public int Count { get; }

    /// <summary>The category of one code, case-insensitive.</summary>
    public static string CategoryOf(string code)
    {
        string trimmed = code.Trim().ToLowerInvariant();
        int dot = trimmed.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 ? trimmed[..dot] : trimmed.Length > 3 ? trimmed[..3] : trimmed;
    }

    /// <summary>The groups of <paramref name="codes"/>, numbered in order of each category's first code.</summary>
    public static CodeCategories Of(IReadOnlyList<string> codes)
    {
        var categories = codes.Select(CategoryOf).ToArray();
        var sizes = categories.CountBy(c => c).ToDictionary(p => p.Key, p => p.Value);
        var index = new Dictionary<string, int>();
        var groupOf = new int[codes.Count];
        for (int code = 0; code < codes.Count; code++)
        {
            string category = categories[code];
            if (sizes[category] < 2)
            {
                groupOf[code] = -1;
                continue;
            }

            if (!index.TryGetValue(category, out int group))
            {
                group = index.Count;
                index[category] = group;
            }

            groupOf[code] = group;
        }

        return new CodeCategories(groupOf, index.Count);
    }
}
