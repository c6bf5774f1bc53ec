using System.Text;
using System.Text.Json;
using PlantFunctions.Model.Synthetic;

namespace PlantFunctions.Cli.Tests;

/// <summary><c>plant code</c> as a user runs it: a real process, a real (tiny) model file, a note file with bad records.</summary>
public sealed class CodeCommandTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);
    private readonly string folder = Directory.CreateTempSubdirectory("plant-code-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public async Task Code_FileMixingGoodNotesWithUnreadableRecords_WritesOneRecordPerLineAndCodesTheGoodNotes()
    {
        var notes = new SyntheticCorpus(new SyntheticCorpusOptions { Documents = 40, Codes = 5, VocabularySize = 200, MedianWords = 40, Seed = 11 }).Notes().ToList();
        await File.WriteAllLinesAsync(Path.Combine(folder, "train.jsonl"), notes.Take(34).Select(n => JsonSerializer.Serialize(new { id = n.Id, text = n.Text, codes = n.Codes })));
        using (var train = PlantCli.Start(folder, null, "train", "--notes", "train.jsonl", "--preset", "tiny", "--device", "cpu",
                   "--lm-epochs", "1", "--ranker-epochs", "1", "--epochs", "1", "--out", "model.plant"))
        {
            Assert.True(await train.WaitAsync(Timeout) == 0, train.Output);
        }

        var good = notes.Skip(34).Take(3).ToList();
        good[2] = good[2] with { Text = "No " + string.Join(" no ", good[2].Text.Split(' ', StringSplitOptions.RemoveEmptyEntries)) };   // every word negated
        byte[][] lines =
        [
            Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { id = good[0].Id, text = good[0].Text })),
            "{\"id\": \"lone-surrogate\", \"text\": \"abc \\ud800 def\"}"u8.ToArray(),
            Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { id = good[1].Id, text = good[1].Text })),
            Encoding.UTF8.GetBytes("{\"id\": \"deep\", \"text\": \"t\", \"metadata\": {\"m\": " + new string('[', 10_000) + new string(']', 10_000) + "}}"),
            [.. "{\"id\": \"latin1\", \"text\": \"caf"u8.ToArray(), 0xE9, .. "\"}"u8.ToArray()],
            Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { id = good[2].Id, text = good[2].Text })),
        ];
        await File.WriteAllBytesAsync(Path.Combine(folder, "notes.jsonl"), [.. lines.SelectMany(line => (byte[])[.. line, (byte)'\n'])]);

        using var code = PlantCli.Start(folder, null, "code", "--model", "model.plant", "--input", "notes.jsonl", "--output", "coded.jsonl",
            "--device", "cpu", "--min-codes", "1");

        Assert.True(await code.WaitAsync(Timeout) == 0, code.Output);
        var records = (await File.ReadAllLinesAsync(Path.Combine(folder, "coded.jsonl"))).Select(line => JsonDocument.Parse(line).RootElement).ToList();
        Assert.Equal(lines.Length, records.Count);
        Assert.Equal(
            [
                (1, good[0].Id, null),
                (2, "lone-surrogate", @"field 'text' holds an invalid escape (a lone surrogate \ud800)"),
                (3, good[1].Id, null),
                (4, "notes.jsonl:4", "JSON nested deeper than 64 levels"),
                (5, "notes.jsonl:5", "invalid UTF-8 at byte 29 of the line; notes must be UTF-8 text"),
                (6, good[2].Id, null),
            ],
            records.Select((r, i) => (i + 1, r.GetProperty("id").GetString(), r.TryGetProperty("error", out var e) ? e.GetString() : null)));
        Assert.Equal(["notes.jsonl:2", "notes.jsonl:4", "notes.jsonl:5"], records.Where(r => r.TryGetProperty("source", out _)).Select(r => r.GetProperty("source").GetString()));
        Assert.All(new[] { records[0], records[2], records[5] }, coded =>
        {
            Assert.False(string.IsNullOrEmpty(coded.GetProperty("modelVersion").GetString()));
            var first = coded.GetProperty("codes")[0];
            Assert.False(string.IsNullOrEmpty(first.GetProperty("code").GetString()));
            Assert.InRange(first.GetProperty("probability").GetSingle(), 0f, 1f);
        });
        var negatedCodes = records[5].GetProperty("codes").EnumerateArray().ToList();
        Assert.All(negatedCodes, c => Assert.InRange(c.GetProperty("nonAffirmedShare").GetSingle(), 0f, 1f));
        Assert.Contains(negatedCodes.SelectMany(c => c.GetProperty("evidence").EnumerateArray()), e => e.TryGetProperty("assertion", out var a) && a.GetString() == "negated");
        Assert.DoesNotContain("\"assertion\":null", await File.ReadAllTextAsync(Path.Combine(folder, "coded.jsonl")), StringComparison.Ordinal);
        Assert.Contains("coded 3 notes, 3 unreadable, 0 the model could not code (6 records)", code.Output, StringComparison.Ordinal);
        Assert.Contains(@"notes.jsonl:2: field 'text' holds an invalid escape (a lone surrogate \ud800)", code.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("missing.plant", "notes.jsonl", "plant code: cannot open the model file 'missing.plant': ")]
    [InlineData("not-a-model.plant", "notes.jsonl", "plant code: cannot load the model file 'not-a-model.plant': ")]
    [InlineData("not-a-model.plant", "missing.jsonl", "plant code: cannot read the input 'missing.jsonl': no such file or folder")]
    [InlineData("not-a-model.plant", "notes.xml", "plant code: cannot read the input 'notes.xml': not a note file")]
    public async Task Code_ModelOrInputThatCannotBeOpened_ExitsWithCode2NamingIt(string model, string input, string expected)
    {
        await File.WriteAllTextAsync(Path.Combine(folder, "notes.jsonl"), "{\"id\": \"a\", \"text\": \"t\"}\n");
        await File.WriteAllTextAsync(Path.Combine(folder, "notes.xml"), "<notes/>");
        await File.WriteAllTextAsync(Path.Combine(folder, "not-a-model.plant"), "not a model file");

        using var code = PlantCli.Start(folder, null, "code", "--model", model, "--input", input, "--output", "coded.jsonl", "--device", "cpu");

        Assert.Equal(2, await code.WaitAsync(Timeout));
        Assert.Contains(expected, code.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(folder, "coded.jsonl")));
    }
}
