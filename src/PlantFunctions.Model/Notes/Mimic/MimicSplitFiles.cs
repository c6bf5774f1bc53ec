namespace PlantFunctions.Model.Notes.Mimic;

/// <summary>Reads the standard split definitions: Mullenbach et al.'s id lists (MIMIC-III) and Edin et al.'s split table (MIMIC-IV).</summary>
internal static class MimicSplitFiles
{
    /// <summary>The file stem of a MIMIC-III id list, e.g. <c>dev_50_hadm_ids</c>.</summary>
    private static string IdListName(MimicSplit split, string setting) =>
        $"{split.ToString().ToLowerInvariant()}_{setting}_hadm_ids";

    /// <summary>
    /// Reads <c>{train,dev,test}_{setting}_hadm_ids.csv</c> from a folder: one HADM_ID per line, no header (a first line
    /// reading HADM_ID is skipped), blank lines ignored.
    /// </summary>
    internal static SplitAssignment ReadIdLists(string folder, string setting, IEnumerable<MimicSplit> splits)
    {
        var assignment = new SplitAssignment();
        foreach (var split in splits)
        {
            string path = MimicTable.Find(folder, IdListName(split, setting), "MIMIC-III splits");
            using var reader = new StreamReader(MimicTable.Open(path));
            long line = 0;
            while (reader.ReadLine() is { } text)
            {
                line++;
                string value = text.Trim().Trim('"');
                if (value.Length == 0 || (line == 1 && value.Equals("HADM_ID", StringComparison.OrdinalIgnoreCase)))
                {
                    continue;
                }

                if (!AdmissionIds.TryParse(value, out long id))
                {
                    throw MimicTable.Error(path, line, $"'{value}' is not an admission id; expected one HADM_ID per line");
                }

                assignment.Add(id, split, path, line);
            }
        }

        return assignment;
    }

    /// <summary>
    /// Reads a split table: a CSV whose header has an id column (<c>_id</c> or <c>hadm_id</c>) and a <c>split</c> column
    /// holding train, val (or dev) or test; other columns are ignored.
    /// </summary>
    internal static SplitAssignment ReadSplitTable(string path, long maxRecordBytes)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"MIMIC-IV: the split file '{path}' does not exist", path);
        }

        var assignment = new SplitAssignment();
        foreach (var row in MimicTable.Read(path, ["_id|hadm_id", "split"], [], maxRecordBytes))
        {
            string value = row.Value(0);
            if (!AdmissionIds.TryParse(value, out long id))
            {
                throw row.Error($"{row.NameOf(0)} '{value}' is not an admission id");
            }

            var split = row.Value(1).ToLowerInvariant() switch
            {
                "train" => MimicSplit.Train,
                "val" or "dev" => MimicSplit.Dev,
                "test" => MimicSplit.Test,
                var other => throw row.Error($"split '{other}' is not train, val or test"),
            };
            assignment.Add(id, split, path, row.Line);
        }

        return assignment;
    }
}
