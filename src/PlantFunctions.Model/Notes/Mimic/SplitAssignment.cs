namespace PlantFunctions.Model.Notes.Mimic;

/// <summary>Which split each admission belongs to, and each split's admissions in the order the split file lists them.</summary>
internal sealed class SplitAssignment
{
    private readonly Dictionary<long, (MimicSplit Split, string Path, long Line)> placed = [];
    private readonly Dictionary<MimicSplit, List<long>> ids = [];

    /// <summary>Every admission of every split read.</summary>
    public IReadOnlyCollection<long> All => placed.Keys;

    /// <summary>The admissions of one split (empty when it was not read).</summary>
    public IReadOnlyList<long> Of(MimicSplit split) => ids.TryGetValue(split, out var list) ? list : [];

    /// <summary>Places an admission; one listed twice (in one split or two) is an error naming both places.</summary>
    public void Add(long id, MimicSplit split, string path, long line)
    {
        if (placed.TryGetValue(id, out var first))
        {
            string where = first.Path == path ? $"line {first.Line}" : $"{first.Path} line {first.Line}";
            throw MimicTable.Error(path, line, $"admission {id} is listed again (first at {where}, {first.Split.ToString().ToLowerInvariant()} split)");
        }

        placed[id] = (split, path, line);
        (ids.TryGetValue(split, out var list) ? list : ids[split] = []).Add(id);
    }
}
