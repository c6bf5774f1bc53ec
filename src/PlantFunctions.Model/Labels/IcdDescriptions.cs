namespace PlantFunctions.Model.Labels;

/// <summary>
/// Code descriptions from the public ICD tables: ICD-10-CM categories (CSV: code,description,...) and ICD-9-CM
/// (TSV: code, description). A code without its own entry takes the description of its longest listed prefix, so
/// "N45.3" is described by category "N45" when only categories are known.
/// </summary>
public sealed class IcdDescriptions
{
    private readonly Dictionary<string, string> descriptions = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Number of listed codes.</summary>
    public int Count => descriptions.Count;

    /// <summary>Loads any mix of the supported table files.</summary>
    public static IcdDescriptions Load(params IEnumerable<string> files)
    {
        var table = new IcdDescriptions();
        foreach (string file in files)
        {
            table.AddFile(file);
        }

        return table;
    }

    /// <summary>Adds the rows of a CSV (ICD-10-CM categories) or TSV (code, description) table.</summary>
    public void AddFile(string path)
    {
        bool tsv = path.EndsWith(".tsv", StringComparison.OrdinalIgnoreCase);
        using var stream = File.OpenRead(path);
        if (tsv)
        {
            using var reader = new StreamReader(stream);
            while (reader.ReadLine() is { } line)
            {
                int tab = line.IndexOf('\t');
                if (tab > 0)
                {
                    Add(line[..tab], line[(tab + 1)..]);
                }
            }

            return;
        }

        var csv = Notes.CsvRecordReader.ReadRecords(stream, 1 << 20).Skip(1);
        foreach (var record in csv)
        {
            if (record.Fields.Count >= 2)
            {
                Add(System.Text.Encoding.UTF8.GetString(record.Fields[0]), System.Text.Encoding.UTF8.GetString(record.Fields[1]));
            }
        }
    }

    /// <summary>Adds or replaces one code's description.</summary>
    public void Add(string code, string description) => descriptions[code.Trim()] = description.Trim();

    /// <summary>The description of a code or of its longest listed prefix; <c>null</c> when none is listed.</summary>
    public string? Describe(string code)
    {
        string key = code.Trim();
        while (key.Length > 0)
        {
            if (descriptions.TryGetValue(key, out string? description))
            {
                return description;
            }

            key = key[..^1].TrimEnd('.');
        }

        return null;
    }
}
