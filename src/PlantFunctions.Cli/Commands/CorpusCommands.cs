using System.CommandLine;
using System.Diagnostics;
using PlantFunctions.Model.Labels;
using PlantFunctions.Model.Notes;
using PlantFunctions.Model.Text;
using Spectre.Console;

namespace PlantFunctions.Cli.Commands;

/// <summary>Commands that inspect corpora: import, tokenize and count.</summary>
internal static class CorpusCommands
{
    /// <summary><c>plant stats</c>: documents, codes, tokens, tokenizer speed and vocabulary size of a corpus.</summary>
    internal static Command Stats()
    {
        var codiesp = new Option<string?>("--codiesp") { Description = "CodiEsp root folder (default: the bundled sample)" };
        var split = new Option<string>("--split") { Description = "CodiEsp split: train, dev or background", DefaultValueFactory = _ => "train" };
        var labels = new Option<CodiEspLabels>("--labels") { Description = "CodiEsp label set", DefaultValueFactory = _ => CodiEspLabels.Diagnoses };
        var notes = new Option<string?>("--notes") { Description = "A note file (.jsonl, .csv, .txt) or folder instead of CodiEsp" };
        var minCount = new Option<int>("--min-count") { Description = "Vocabulary minimum count", DefaultValueFactory = _ => 2 };
        var command = new Command("stats", "Import a corpus, tokenize it and print document, code, token and vocabulary counts")
        {
            codiesp, split, labels, notes, minCount,
        };
        command.SetAction(parse =>
        {
            var corpus = parse.GetValue(notes) is { } path
                ? NoteReader.Read(path).Select(r => r.Note!).ToList()
                : CodiEspImporter.Read(parse.GetValue(codiesp) ?? SampleData.CodiEspRoot, parse.GetValue(split)!, parse.GetValue(labels));
            PrintStats(corpus, parse.GetValue(minCount));
            return 0;
        });
        return command;
    }

    private static void PrintStats(IReadOnlyList<ClinicalNote> notes, int minCount)
    {
        var clock = Stopwatch.StartNew();
        var counter = new TokenCounter();
        long characters = 0;
        foreach (var note in notes)
        {
            counter.Add(note.Text);
            characters += note.Text.Length;
        }

        double seconds = clock.Elapsed.TotalSeconds;
        var vocabulary = counter.ToVocabulary(new VocabularyOptions { MinCount = minCount });
        var labelSet = LabelSet.FromCodes(notes.Select(n => n.Codes ?? []));
        var table = new Table().AddColumns("measure", "value");
        table.AddRow("documents", $"{notes.Count:N0}");
        table.AddRow("distinct codes", $"{labelSet.Count:N0}");
        table.AddRow("code assignments", $"{notes.Sum(n => n.Codes?.Count ?? 0):N0}");
        table.AddRow("tokens", $"{counter.TotalTokens:N0}");
        table.AddRow("distinct token types", $"{counter.DistinctTokens:N0}");
        table.AddRow($"vocabulary (min count {minCount})", $"{vocabulary.Count:N0}");
        table.AddRow("tokenize + count speed", $"{counter.TotalTokens / Math.Max(seconds, 1e-9):N0} tokens/s ({characters / Math.Max(seconds, 1e-9) / 1e6:N1} M chars/s)");
        AnsiConsole.Write(table);
    }
}
