namespace PlantFunctions.Model.Notes;

/// <summary>Which CodiEsp label sets to attach to the notes.</summary>
public enum CodiEspLabels
{
    /// <summary>ICD-10-CM diagnosis codes ({split}D.tsv).</summary>
    Diagnoses,

    /// <summary>ICD-10-PCS procedure codes ({split}P.tsv).</summary>
    Procedures,

    /// <summary>Both, diagnoses first.</summary>
    Both,
}

/// <summary>
/// Reads the official CodiEsp layout: <c>{root}/{split}/text_files_en/*.txt</c> (or <c>text_files</c> for Spanish) and
/// <c>{root}/{split}/{split}D.tsv</c> / <c>{split}P.tsv</c> (docid TAB code). Codes are upper-cased (ICD convention).
/// Notes are returned in id order; a note without codes gets an empty list.
/// </summary>
public static class CodiEspImporter
{
    /// <summary>Reads one split ("train", "dev", "test" or "background"; background has no codes).</summary>
    public static IReadOnlyList<ClinicalNote> Read(string root, string split, CodiEspLabels labels = CodiEspLabels.Diagnoses, bool english = true)
    {
        string splitDir = Path.Combine(root, split);
        string textDir = Path.Combine(splitDir, english ? "text_files_en" : "text_files");
        if (!Directory.Exists(textDir))
        {
            throw new DirectoryNotFoundException($"CodiEsp split '{split}' not found: expected the folder '{textDir}'");
        }

        var codes = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        bool hasLabels = split != "background";
        if (hasLabels && labels is CodiEspLabels.Diagnoses or CodiEspLabels.Both)
        {
            ReadCodes(Path.Combine(splitDir, $"{split}D.tsv"), codes);
        }

        if (hasLabels && labels is CodiEspLabels.Procedures or CodiEspLabels.Both)
        {
            ReadCodes(Path.Combine(splitDir, $"{split}P.tsv"), codes);
        }

        var options = new NoteReaderOptions();
        var notes = new List<ClinicalNote>();
        foreach (string file in Directory.EnumerateFiles(textDir, "*.txt").Order(StringComparer.Ordinal))
        {
            using var stream = File.OpenRead(file);
            var result = TextNoteReader.Read(stream, file, options);
            var note = result.Note ?? throw new NoteFormatException(result.Error!);
            notes.Add(hasLabels ? note with { Codes = codes.TryGetValue(note.Id, out var list) ? list : [] } : note);
        }

        var unknown = codes.Keys.Except(notes.Select(n => n.Id), StringComparer.Ordinal).FirstOrDefault();
        if (unknown is not null)
        {
            throw new InvalidDataException($"CodiEsp split '{split}': codes are listed for '{unknown}' but '{textDir}' has no such text file");
        }

        return notes;
    }

    private static void ReadCodes(string tsv, Dictionary<string, List<string>> codes)
    {
        if (!File.Exists(tsv))
        {
            throw new FileNotFoundException($"CodiEsp code file not found: '{tsv}'", tsv);
        }

        int lineNumber = 0;
        foreach (string line in File.ReadLines(tsv))
        {
            lineNumber++;
            if (line.Length == 0)
            {
                continue;
            }

            string[] parts = line.Split('\t');
            if (parts.Length < 2 || parts[0].Length == 0 || parts[1].Trim().Length == 0)
            {
                throw new InvalidDataException($"{tsv}:{lineNumber}: expected 'docid<TAB>code'");
            }

            var list = codes.TryGetValue(parts[0], out var existing) ? existing : codes[parts[0]] = [];
            string code = parts[1].Trim().ToUpperInvariant();
            if (!list.Contains(code))
            {
                list.Add(code);
            }
        }
    }
}
