using System.IO.Compression;
using System.Text;

namespace PlantFunctions.Model.Labels;

/// <summary>
/// Code descriptions from public ICD tables: the ICD-10-CM code table (TSV: code, description), CodiEsp's X-placeholder
/// aliases (TSV: code, description, resolved_from), ICD-9-CM (TSV: code, description, no header), the ICD-10-CM
/// category table (CSV: code, description, ...), each plain or gzipped (<c>.gz</c>). Codes compare case-insensitively.
/// A code is described only by its own entry: "E11.65" never takes its category's description; a code without an
/// entry has none (<see cref="Describe"/> returns <c>null</c>), which records and tables show as such.
/// </summary>
public sealed class IcdDescriptions
{
    private readonly Dictionary<string, string> descriptions = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Number of listed codes.</summary>
    public int Count => descriptions.Count;

    /// <summary>Every listed code, as the tables spell it.</summary>
    public IEnumerable<string> Codes => descriptions.Keys;

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

    /// <summary>
    /// Adds the rows of a table file: <c>.csv</c> (RFC 4180, a header row, code and description in the first two
    /// columns) or anything else as tab-separated (code, description[, more]); a first row whose code is "code" is a
    /// header. A <c>.gz</c> file is read through gzip with the format of the name inside. A row without a code or a
    /// description fails with the file and line.
    /// </summary>
    public void AddFile(string path)
    {
        bool gzip = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase);
        string inner = gzip ? path[..^3] : path;
        using var file = File.OpenRead(path);
        using Stream stream = gzip ? new GZipStream(file, CompressionMode.Decompress) : file;
        if (inner.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
        {
            foreach (var record in Notes.CsvRecordReader.ReadRecords(stream, 1 << 20).Skip(1))
            {
                if (record.Fields.Count >= 2)
                {
                    Add(Encoding.UTF8.GetString(record.Fields[0]), Encoding.UTF8.GetString(record.Fields[1]));
                }
            }

            return;
        }

        using var reader = new StreamReader(stream, Encoding.UTF8);
        int lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (line.Length == 0)
            {
                continue;
            }

            string[] fields = line.Split('\t');
            if (lineNumber == 1 && fields[0].Trim().Equals("code", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (fields.Length < 2 || fields[0].Trim().Length == 0 || fields[1].Trim().Length == 0)
            {
                throw new InvalidDataException($"descriptions table '{path}' line {lineNumber}: expected a code, a tab and a description");
            }

            Add(fields[0], fields[1]);
        }
    }

    /// <summary>Adds or replaces one code's description.</summary>
    public void Add(string code, string description) => descriptions[code.Trim()] = description.Trim();

    /// <summary>Whether the table lists <paramref name="code"/> itself.</summary>
    public bool Contains(string code) => descriptions.ContainsKey(code.Trim());

    /// <summary>The code's own description; <c>null</c> when the table does not list the code.</summary>
    public string? Describe(string code) => descriptions.GetValueOrDefault(code.Trim());
}
