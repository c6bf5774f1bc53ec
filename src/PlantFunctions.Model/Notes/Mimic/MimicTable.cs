using System.IO.Compression;

namespace PlantFunctions.Model.Notes.Mimic;

/// <summary>
/// Streams the rows of one MIMIC table (<c>.csv</c>, or <c>.csv.gz</c> as PhysioNet ships them) through the RFC 4180
/// record reader, so a 4 GB NOTEEVENTS is never held whole and quoted fields may span lines. Columns are found by name
/// (case-insensitive: PhysioNet's MIMIC-III is upper case, its database exports lower case). Any structural problem
/// throws <see cref="InvalidDataException"/> naming the file and the line the record starts on.
/// </summary>
internal static class MimicTable
{
    /// <summary>The table file <paramref name="name"/><c>.csv</c> or <c>.csv.gz</c> in a folder (the plain one when both exist).</summary>
    internal static string Find(string folder, string name, string dataset)
    {
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"{dataset}: the folder '{folder}' does not exist");
        }

        var files = Directory.EnumerateFiles(folder).ToList();
        foreach (string candidate in new[] { name + ".csv", name + ".csv.gz" })
        {
            string? match = files.FirstOrDefault(f => Path.GetFileName(f).Equals(candidate, StringComparison.OrdinalIgnoreCase));
            if (match is not null)
            {
                return match;
            }
        }

        throw new FileNotFoundException($"{dataset}: neither {name}.csv nor {name}.csv.gz is in '{folder}'", Path.Combine(folder, name + ".csv.gz"));
    }

    /// <summary>The table file if it exists (see <see cref="Find"/>), else <c>null</c>.</summary>
    internal static string? FindOptional(string folder, string name, string dataset)
    {
        try
        {
            return Find(folder, name, dataset);
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Opens a file, decompressing it when its name ends in <c>.gz</c>.</summary>
    internal static Stream Open(string path)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        return path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionMode.Decompress) : file;
    }

    /// <summary>The error for a row: "path line N: reason".</summary>
    internal static InvalidDataException Error(string path, long line, string reason) => new($"{path} line {line}: {reason}");

    /// <summary>
    /// The data rows of a table. <paramref name="required"/> columns must be in the header; <paramref name="optional"/>
    /// ones may be missing (their values are then <c>null</c>). A row's values are addressed by the position of the
    /// column in <paramref name="required"/> followed by <paramref name="optional"/>; "a|b" accepts either name.
    /// </summary>
    internal static IEnumerable<MimicRow> Read(string path, string[] required, string[] optional, long maxRecordBytes)
    {
        using var stream = Open(path);
        using var records = CsvRecordReader.ReadRecords(stream, maxRecordBytes).GetEnumerator();
        string[]? header = null;
        int[] columns = [];
        while (true)
        {
            CsvRecordReader.Record record;
            try
            {
                if (!records.MoveNext())
                {
                    break;
                }

                record = records.Current;
            }
            catch (InvalidDataException ex)
            {
                throw new InvalidDataException($"{path}: the file cannot be decompressed ({ex.Message})", ex);
            }

            if (record.Problem is not null)
            {
                throw Error(path, record.Line, record.Problem);
            }

            if (header is null)
            {
                header = [.. record.Fields.Select(f => MimicRow.Decode(f, path, record.Line, "the header").Trim())];
                columns = Resolve(header, required, optional, path, record.Line);
                continue;
            }

            if (record.Fields.Count != header.Length)
            {
                string detail = record.Fields.Count < header.Length ? $"; no value for {header[record.Fields.Count]}" : "";
                throw Error(path, record.Line, $"{record.Fields.Count} fields where the header has {header.Length}{detail}");
            }

            yield return new MimicRow(path, record.Line, record.Fields, columns, header);
        }

        if (header is null)
        {
            throw new InvalidDataException($"{path}: the file is empty; expected a header row naming {string.Join(", ", required)}");
        }
    }

    private static int[] Resolve(string[] header, string[] required, string[] optional, string path, long line)
    {
        var columns = new int[required.Length + optional.Length];
        for (int i = 0; i < columns.Length; i++)
        {
            // "a|b" names alternatives: the first one the header has is used.
            string[] names = (i < required.Length ? required[i] : optional[i - required.Length]).Split('|');
            columns[i] = names.Select(n => Array.FindIndex(header, h => h.Equals(n, StringComparison.OrdinalIgnoreCase))).FirstOrDefault(c => c >= 0, -1);
            if (columns[i] < 0 && i < required.Length)
            {
                throw Error(path, line, $"missing column {string.Join(" or ", names)} in header (found: {string.Join(", ", header)})");
            }
        }

        return columns;
    }
}
