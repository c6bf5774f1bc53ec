using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;
using PlantFunctions.Model.Synthetic;

namespace PlantFunctions.Cli.Tests;

/// <summary>
/// <c>plant experiment</c> as a user runs it, every step a real process: tiny trainings on a synthetic corpus, the
/// CSV files they read back, and PNG files checked by their header.
/// </summary>
public sealed class ExperimentCommandTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(4);
    private static readonly string[] TinyTraining = ["--preset", "tiny", "--device", "cpu", "--lm-epochs", "1", "--ranker-epochs", "1", "--epochs", "2"];
    private readonly string folder = Directory.CreateTempSubdirectory("plant-experiment-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public async Task Curves_OfATinyTraining_WritesEveryEpochsLossesAndMapAndAPng()
    {
        int codes = await WriteCorpusAsync();
        await RunAsync(["train", "--notes", "train.jsonl", .. TinyTraining, "--out", "model.plant"]);

        await RunAsync("experiment", "curves", "--checkpoint", "model.plant.ckpt", "--out", "curves");

        var (header, rows) = ReadCsv("curves/curves.csv");
        Assert.Equal(["stage", "epoch", "trainLoss", "trainLossPerCode", "validationLoss", "validationMAP", "validationPerplexity", "best", "seconds"], header);
        var lm = Assert.Single(rows, r => r["stage"] == "lm");
        Assert.Equal("1", lm["epoch"]);
        Assert.Equal(Math.Log(Number(lm["validationPerplexity"])), Number(lm["validationLoss"]), 4);
        var classifier = rows.Where(r => r["stage"] == "classifier").ToList();
        Assert.Equal(["0", "1", "2"], classifier.Select(r => r["epoch"]));
        Assert.Equal("", classifier[0]["trainLoss"]); // epoch 0 is the prior-initialised start, validated before any step
        Assert.All(classifier.Skip(1), r => Assert.Equal(Number(r["trainLoss"]) / codes, Number(r["trainLossPerCode"]), 5));
        // Mean over notes and codes, the same scale as trainLossPerCode (a sum over codes would be `codes` times larger).
        Assert.All(classifier, r => Assert.InRange(Number(r["validationLoss"]), 1e-4, 1.0));
        Assert.All(classifier, r => Assert.InRange(Number(r["validationMAP"]), 0.0, 1.0));
        Assert.Single(classifier, r => r["best"] == "true");
        AssertPng("curves/curves.png", 900, 600);
    }

    [Fact]
    public async Task Buckets_OfEvaluateResults_WritesMacroF1PerSystemAndBucketAndAPng()
    {
        await File.WriteAllTextAsync(Path.Combine(folder, "results.json"), """
            {"plant": {"MAP": 0.40, "macroF1[1-5]": 0.077, "macroF1[6-50]": 0.577, "macroF1[>50]": 0.8},
             "prior-only": {"MAP": 0.35, "macroF1[1-5]": 0.085, "macroF1[6-50]": 0.5}}
            """);

        await RunAsync("experiment", "buckets", "--results", "results.json", "--out", "b");

        Assert.Equal(
            ["system,macroF1[1-5],macroF1[6-50],macroF1[>50]", "plant,0.077,0.577,0.8", "prior-only,0.085,0.5,"],
            await File.ReadAllLinesAsync(Path.Combine(folder, "b", "buckets.csv")));
        AssertPng("b/buckets.png", 900, 600);
    }

    [Fact]
    public async Task Buckets_OfResultsWithoutBuckets_FailsNamingTheFile()
    {
        await File.WriteAllTextAsync(Path.Combine(folder, "results.json"), """{"plant": {"MAP": 0.4}}""");

        using var cli = PlantCli.Start(folder, null, "experiment", "buckets", "--results", "results.json", "--out", "b");

        Assert.Equal(1, await cli.WaitAsync(Timeout));
        Assert.Contains("plant experiment buckets: results.json: no system has macroF1[...] metrics", cli.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(folder, "b", "buckets.png")));
    }

    [Fact]
    public async Task Ablations_TwoVariantsOneSeed_TrainsEachOnOneLanguageModelAndWritesTheTableAndAPng()
    {
        await WriteCorpusAsync();
        string[] ablations = ["experiment", "ablations", "--notes", "train.jsonl", "--eval-notes", "eval.jsonl", .. TinyTraining, "--seeds", "7", "--variants", "plant,laat", "--no-refit", "--out", "abl"];

        string output = await RunAsync(ablations);

        var (header, rows) = ReadCsv("abl/ablations.csv");
        Assert.Equal(["variant", "seed", "MAP", "P@5", "P@8", "P@15", "microF1", "macroF1"], header);
        Assert.Equal(["plant", "laat"], rows.Select(r => r["variant"]));
        Assert.All(rows, r => Assert.Equal("7", r["seed"]));
        Assert.All(rows, r => Assert.All(header.Skip(2), metric => Assert.InRange(Number(r[metric]), 0.0, 1.0)));
        using (var evaluated = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(folder, "abl", "runs", "laat-seed7.metrics.json"))))
        {
            Assert.Equal(evaluated.RootElement.GetProperty("laat-seed7").GetProperty("MAP").GetDouble(), Number(rows[1]["MAP"]), 5);
        }

        var train = output.Split('\n').Where(l => l.StartsWith("> plant train", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, train.Count);
        Assert.DoesNotContain("--lm-from", train[0], StringComparison.Ordinal);
        Assert.Contains("--laat --lm-from", train[1], StringComparison.Ordinal);
        Assert.All(train, t => Assert.Contains("--no-refit", t, StringComparison.Ordinal));
        Assert.Empty(Directory.GetFiles(Path.Combine(folder, "abl", "runs"), "*.selection.plant"));
        var (_, summary) = ReadCsv("abl/ablations-summary.csv");
        Assert.Equal(["plant", "laat"], summary.Select(r => r["variant"]));
        Assert.All(summary, r => Assert.Equal("0", r["MAP sd"]));
        AssertPng("abl/ablations.png", 900, 600);

        // Run again: every run's metrics are kept, so nothing is trained or evaluated twice.
        string again = await RunAsync(ablations);
        Assert.DoesNotContain("> plant ", again, StringComparison.Ordinal);
        Assert.Equal(rows.Select(r => r["MAP"]), ReadCsv("abl/ablations.csv").Rows.Select(r => r["MAP"]));
    }

    [Fact]
    public async Task Ablations_WithAnEarlierTable_JoinsItsRowsForThePairsNotRunNow()
    {
        await WriteCorpusAsync();
        await File.WriteAllLinesAsync(Path.Combine(folder, "earlier.csv"),
        [
            "variant,seed,MAP,P@5,P@8,P@15,microF1,macroF1",
            "prior,3,0.5,0.5,0.5,0.5,0.5,0.25",
            "plant,3,0.75,0.5,0.5,0.5,0.5,",
            "prior,7,0.0,0.0,0.0,0.0,0.0,0.0",
            "truncated-576,3,0.25,0.5,0.5,0.5,0.5,0.5",
            "full-unfreeze,3,0.25,0.5,0.5,0.5,0.5,0.5",   // a retired name, as in docs/experiments' earlier grids
        ]);

        await File.WriteAllLinesAsync(Path.Combine(folder, "first.csv"), ["variant,seed,MAP,P@5,P@8,P@15,microF1,macroF1", "plant,3,0.125,0.5,0.5,0.5,0.5,0.5"]);

        string output = await RunAsync("experiment", "ablations", "--notes", "train.jsonl", "--eval-notes", "eval.jsonl", "--preset", "tiny", "--device", "cpu",
            "--seeds", "7", "--variants", "prior", "--earlier", "first.csv", "earlier.csv", "--out", "abl");

        var (_, rows) = ReadCsv("abl/ablations.csv");
        Assert.Equal(["prior 3", "prior 7", "plant 3", "truncated-576 3", "full-unfreeze 3"], rows.Select(r => $"{r["variant"]} {r["seed"]}"));
        double map = Number(rows[1]["MAP"]);
        Assert.InRange(map, 1e-6, 1.0); // prior seed 7 was run now: the earlier row of 0 is replaced
        Assert.Contains("prior seed 7: this run's metrics replace the earlier row", output, StringComparison.Ordinal);
        Assert.Contains("plant seed 3: the row of earlier.csv replaces the one of first.csv", output, StringComparison.Ordinal);
        Assert.Equal("", rows[2]["macroF1"]);
        var (_, summary) = ReadCsv("abl/ablations-summary.csv");
        Assert.Equal(["prior", "plant", "truncated-576", "full-unfreeze"], summary.Select(r => r["variant"]));
        Assert.Equal("2", summary[0]["runs"]);
        Assert.Equal((0.5 + map) / 2, Number(summary[0]["MAP"]), 5);
        Assert.Equal(Math.Abs(0.5 - map) / Math.Sqrt(2), Number(summary[0]["MAP sd"]), 5);
        Assert.Equal("1", summary[1]["runs"]);
        Assert.Equal(0.75, Number(summary[1]["MAP"]));
        AssertPng("abl/ablations.png", 900, 600);
    }

    [Fact]
    public async Task Ablations_WithAnUnreadableEarlierRow_FailsNamingFileAndLineBeforeAnyRun()
    {
        await WriteCorpusAsync();
        await File.WriteAllLinesAsync(Path.Combine(folder, "earlier.csv"), ["variant,seed,MAP,P@5,P@8,P@15,microF1,macroF1", "plant,1,0.4,0.6,0.5,0.3,0.4,0.2", "plan,1,0.4,0.6,0.5,0.3,0.4,0.2"]);

        using var cli = PlantCli.Start(folder, null, "experiment", "ablations", "--notes", "train.jsonl", "--eval-notes", "eval.jsonl", "--preset", "tiny",
            "--seeds", "7", "--variants", "prior", "--earlier", "earlier.csv", "--out", "abl");

        Assert.Equal(1, await cli.WaitAsync(Timeout));
        Assert.Contains("earlier.csv, line 3: expected a known variant", cli.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("> plant ", cli.Output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(folder, "abl", "runs")));
    }

    private static double Number(string cell) => double.Parse(cell, CultureInfo.InvariantCulture);

    /// <summary>50 coded training notes and 10 evaluation notes of a small synthetic corpus; returns the codes in training.</summary>
    [Fact]
    public async Task Cv_TwoFoldsPriorAndPlantInTwoLabelSpaces_WritesARowPerFoldAndSpace_FoldsHoldEachNoteOnce()
    {
        await WriteCorpusAsync();
        var corpus = new SyntheticCorpus(new SyntheticCorpusOptions { Documents = 60, Codes = 8, VocabularySize = 300, MedianWords = 60, Seed = 5 });
        await File.WriteAllLinesAsync(Path.Combine(folder, "descriptions.tsv"),
            ["code\tdescription", .. corpus.Labels.Codes.Select((c, i) => $"{c}\t{corpus.Labels.Descriptions[i]}"), "S00099\tsynthetic condition of nothing seen"]);
        await File.WriteAllLinesAsync(Path.Combine(folder, "codes.txt"), ["S00099"]);
        string[] cv = ["experiment", "cv", "--notes", "train.jsonl", "--eval-notes", "eval.jsonl", .. TinyTraining, "--folds", "2", "--variants", "prior,plant",
            "--label-spaces", "train,codes.txt", "--unseen-offsets", "-1,0", "--descriptions", "descriptions.tsv", "--no-refit", "--out", "cv"];

        string output = await RunAsync(cv);

        var (header, rows) = ReadCsv("cv/cv.csv");
        Assert.Equal(["variant", "labelSpace", "unseenOffset", "seed", "fold"], header.Take(5));
        // prior: one row per space; plant: train once, codes.txt at each offset.
        Assert.Equal(2 * (2 + 1 + 2), rows.Count);
        Assert.All(rows, r => Assert.InRange(Number(r["MAP"]), 0.0, 1.0));
        var added = rows.Where(r => r["variant"] == "plant" && r["labelSpace"] == "codes.txt").ToList();
        var trained = rows.Where(r => r["variant"] == "plant" && r["labelSpace"] == "train").ToList();
        Assert.Equal(["-1", "0", "-1", "0"], added.Select(r => r["unseenOffset"]));
        Assert.All(added, r => Assert.Equal(Number(trained.First(t => t["fold"] == r["fold"])["labelSpaceCodes"]) + 1, Number(r["labelSpaceCodes"])));
        var heldOut = Enumerable.Range(0, 2).SelectMany(f => File.ReadAllLines(Path.Combine(folder, "cv", "folds", $"seed42-fold{f}", "train.jsonl"))).ToList();
        Assert.Equal(50, heldOut.Count);                     // each note trains in exactly one of two folds
        Assert.Equal(50, heldOut.Distinct().Count());
        var (_, thresholds) = ReadCsv("cv/cv-thresholds.csv");
        Assert.Contains(thresholds, r => r["variant"] == "plant" && r["thresholds"] == "global" && r["folds"] == "2");
        Assert.Equal(2, output.Split('\n').Count(l => l.StartsWith("> plant train", StringComparison.Ordinal)));
    }

    private async Task<int> WriteCorpusAsync()
    {
        var corpus = new SyntheticCorpus(new SyntheticCorpusOptions { Documents = 60, Codes = 8, VocabularySize = 300, MedianWords = 60, Seed = 5 });
        var notes = corpus.Notes().ToList();
        await File.WriteAllLinesAsync(Path.Combine(folder, "train.jsonl"), notes.Take(50).Select(n => JsonSerializer.Serialize(new { id = n.Id, text = n.Text, codes = n.Codes })));
        await File.WriteAllLinesAsync(Path.Combine(folder, "eval.jsonl"), notes.Skip(50).Select(n => JsonSerializer.Serialize(new { id = n.Id, text = n.Text, codes = n.Codes })));
        return notes.Take(50).SelectMany(n => n.Codes ?? []).Distinct(StringComparer.Ordinal).Count();
    }

    private async Task<string> RunAsync(params string[] arguments)
    {
        using var cli = PlantCli.Start(folder, null, arguments);
        Assert.True(await cli.WaitAsync(Timeout) == 0, cli.Output);
        return cli.Output;
    }

    private (string[] Header, List<Dictionary<string, string>> Rows) ReadCsv(string path)
    {
        string[] lines = File.ReadAllLines(Path.Combine(folder, path));
        string[] header = lines[0].Split(',');
        return (header, [.. lines.Skip(1).Select(l => header.Zip(l.Split(',')).ToDictionary(p => p.First, p => p.Second))]);
    }

    /// <summary>A PNG file: the signature, an IHDR chunk of the expected size, and more than a blank image's bytes.</summary>
    private void AssertPng(string path, int width, int height)
    {
        byte[] png = File.ReadAllBytes(Path.Combine(folder, path));
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
        Assert.Equal("IHDR"u8.ToArray(), png[12..16]);
        Assert.Equal(width, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16, 4)));
        Assert.Equal(height, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20, 4)));
        Assert.InRange(png.Length, 10_000, 5_000_000);
    }
}
