using System.Text.Json;

namespace PlantFunctions.Cli.Tests;

/// <summary><c>plant evaluate --baseline-prior</c> as a user runs it on their own corpus, a real process.</summary>
public sealed class EvaluateCommandTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);
    private readonly string folder = Directory.CreateTempSubdirectory("plant-eval-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public async Task BaselinePrior_WithTheTrainingNotesOfThisCorpus_ScoresItsOwnLabels()
    {
        await WriteAsync("train.jsonl", Notes(("a", "fever cough", "J10"), ("b", "broken arm cast", "S52"), ("c", "fever chills cough", "J10"), ("d", "arm fracture", "S52")));
        await WriteAsync("test.jsonl", Notes(("t1", "cough and fever", "J10"), ("t2", "arm fracture pain", "S52")));

        using var evaluate = PlantCli.Start(folder, null, "evaluate", "--notes", "test.jsonl", "--baseline-prior", "--baseline-train", "train.jsonl", "--json", "m.json");

        Assert.True(await evaluate.WaitAsync(Timeout) == 0, evaluate.Output);
        using var metrics = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(folder, "m.json")));
        Assert.Equal(1.0, metrics.RootElement.GetProperty("prior-only").GetProperty("MAP").GetDouble());
        Assert.Contains("MI from train.jsonl", evaluate.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BaselinePrior_WithoutModelOrTrainingNotes_RefusesInsteadOfUsingAnotherCorpus()
    {
        await WriteAsync("test.jsonl", Notes(("t1", "cough and fever", "J10")));

        using var evaluate = PlantCli.Start(folder, null, "evaluate", "--notes", "test.jsonl", "--baseline-prior");

        Assert.Equal(2, await evaluate.WaitAsync(Timeout));
        Assert.Contains("plant evaluate: --baseline-prior needs priors", evaluate.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BaselinePrior_WhoseLabelsHoldNoneOfTheGoldCodes_IsRefusedNamingTheSource()
    {
        await WriteAsync("train.jsonl", Notes(("a", "fever cough", "flu"), ("b", "broken arm", "fracture")));
        await WriteAsync("test.jsonl", Notes(("t1", "cough and fever", "J10")));

        using var evaluate = PlantCli.Start(folder, null, "evaluate", "--notes", "test.jsonl", "--baseline-prior", "--baseline-train", "train.jsonl");

        Assert.Equal(2, await evaluate.WaitAsync(Timeout));
        Assert.Contains("none of the 1 gold codes of the evaluated notes is among the 2 codes of the baseline's priors (train.jsonl)", evaluate.Output, StringComparison.Ordinal);
    }

    private static IEnumerable<string> Notes(params (string Id, string Text, string Code)[] notes) =>
        notes.Select(n => JsonSerializer.Serialize(new { id = n.Id, text = n.Text, codes = new[] { n.Code } }));

    private Task WriteAsync(string name, IEnumerable<string> lines) => File.WriteAllLinesAsync(Path.Combine(folder, name), lines);
}
