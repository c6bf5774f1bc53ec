using System.Globalization;
using PlantFunctions.Model.Notes;
using PlantFunctions.Contracts.Batches;
using Spectre.Console;

namespace PlantFunctions.Cli.Commands;

/// <summary>
/// The demo's closing report: counts, time, P@5 against the gold codes, and two notes with their evidence, each word
/// with its assertion when the note does not affirm it ("hematuria (negated)") and each code's non-affirmed share.
/// </summary>
internal static class DemoReport
{
    public static void Print(string status, IReadOnlyDictionary<string, ResultRecord> results, IReadOnlyList<ClinicalNote> notes, double batchSeconds, TimeSpan total)
    {
        int coded = results.Values.Count(r => r.Error is null);
        int failed = results.Values.Count(r => r.Error is not null);
        double precision = notes.Where(n => results.TryGetValue(n.Id, out var r) && r.Codes is not null)
            .Average(n => results[n.Id].Codes!.Take(5).Count(c => n.Codes!.Contains(c.Code)) / 5.0);
        var table = new Table().AddColumns("measure", "value");
        table.AddRow("batch status", status);
        table.AddRow("notes coded / failed", $"{coded} / {failed} (every note has exactly one record: {results.Count == notes.Count})");
        table.AddRow("batch time", string.Create(CultureInfo.InvariantCulture, $"{batchSeconds:F1} s ({coded / Math.Max(batchSeconds, 1e-9):F1} notes/s, model loading included)"));
        table.AddRow("P@5 against the gold codes", precision.ToString("F3", CultureInfo.InvariantCulture));
        table.AddRow("whole demo", $"{total:mm\\:ss}");
        AnsiConsole.Write(table);
        foreach (var note in notes.Where(n => results.TryGetValue(n.Id, out var r) && r.Codes is { Count: > 0 }).Take(2))
        {
            PrintNote(note, results[note.Id]);
        }
    }

    private static void PrintNote(ClinicalNote note, ResultRecord record)
    {
        AnsiConsole.WriteLine();
        string excerpt = note.Text.Length > 300 ? note.Text[..300].ReplaceLineEndings(" ") + "..." : note.Text.ReplaceLineEndings(" ");
        AnsiConsole.MarkupLine($"[bold]{Markup.Escape(note.Id)}[/]: {Markup.Escape(excerpt)}");
        var table = new Table().AddColumns("code", "description", "p", "gold", "evidence (word @ offset)", "not affirmed");
        foreach (var code in record.Codes!.Take(5))
        {
            string evidence = string.Join(", ", code.Evidence.Take(5).Select(e => e.Assertion is null ? $"{e.Text} @{e.Start}" : $"{e.Text} ({e.Assertion}) @{e.Start}"));
            table.AddRow(Markup.Escape(code.Code), code.Description is null ? "[grey](no description)[/]" : Markup.Escape(code.Description), code.Probability.ToString("F2", CultureInfo.InvariantCulture),
                note.Codes!.Contains(code.Code) ? "[green]yes[/]" : "no", Markup.Escape(evidence), Share(code.NonAffirmedShare));
        }

        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"gold codes: {Markup.Escape(string.Join(", ", note.Codes!))}");
    }

    /// <summary>The share of a code's evidence weight on words the note does not affirm, highlighted when most of it is.</summary>
    internal static string Share(float? share)
    {
        if (share is not { } value)
        {
            return "[grey]-[/]";
        }

        string percent = string.Create(CultureInfo.InvariantCulture, $"{value * 100:F0}%");
        return value > 0.5f ? $"[yellow]{percent}[/]" : percent;
    }
}
