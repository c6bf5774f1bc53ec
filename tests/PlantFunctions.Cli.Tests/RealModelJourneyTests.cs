using System.Text.Json;
using PlantFunctions.Model.Synthetic;
using PlantFunctions.Pipeline.Batches;
using PlantFunctions.Contracts;
using PlantFunctions.Contracts.Batches;
using PlantFunctions.Pipeline.Storage;
using PlantFunctions.Testing;
using PlantFunctions.Testing.Hosting;

namespace PlantFunctions.Cli.Tests;

/// <summary>
/// What a user does with the real model, every step a real process: plant train writes a model file, plant serve runs
/// the API and a worker with the PLANT coder, plant register uploads the file, plant submit codes a batch.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class RealModelJourneyTests(AzuriteFixture azurite)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task TrainRegisterSubmit_WithTheRealModel_CodesEveryNoteWithEvidenceFromItsText()
    {
        int port = PlantCli.FreePort();
        var settings = PlantTestSettings.For(azurite, azurite.UniqueName("t"), "api,worker", notesPerShard: 4);
        string folder = PlantCli.FolderWithLocalSettings(settings, port);
        var corpus = new SyntheticCorpus(new SyntheticCorpusOptions { Documents = 60, Codes = 8, VocabularySize = 300, MedianWords = 60, Seed = 5 });
        var notes = corpus.Notes().ToList();
        await WriteJsonLinesAsync(Path.Combine(folder, "train.jsonl"), notes.Take(50).Select(n => (object)new { id = n.Id, text = n.Text, codes = n.Codes }));
        var batchNotes = notes.Skip(50).ToList();
        await WriteJsonLinesAsync(Path.Combine(folder, "batch.jsonl"), batchNotes.Select(n => (object)new { id = n.Id, text = n.Text }));

        using (var train = PlantCli.Start(folder, null, "train", "--notes", "train.jsonl", "--preset", "tiny", "--device", "cpu",
                   "--lm-epochs", "1", "--ranker-epochs", "2", "--epochs", "2", "--out", "model.plant"))
        {
            Assert.True(await train.WaitAsync(Timeout) == 0, train.Output);
            // Validation was split off the notes, so the default refit shipped model.plant and kept the selection pass's model.
            Assert.Contains("wrote model.selection.plant", train.Output, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(folder, "model.selection.plant")));
        }

        using var serve = PlantCli.Start(folder, null, "serve");
        string api = $"http://localhost:{port}";
        await serve.WaitUntilAnswersAsync($"{api}/api/health/ready", Timeout, "plant serve to report ready");
        using (var register = PlantCli.Start(folder, null, "register", "model.plant", "--version", "trained-1", "--activate"))
        {
            Assert.True(await register.WaitAsync(Timeout) == 0, register.Output);
        }

        using var submit = PlantCli.Start(folder, null, "submit", "batch.jsonl", "--batch-id", "real-1", "--min-codes", "2");
        Assert.True(await submit.WaitAsync(Timeout) == 0, submit.Output + Environment.NewLine + serve.Output);

        var records = await ReadResultsAsync(azurite.Account.Blobs.GetBlobContainerClient(settings["Plant:Containers:Results"]), "real-1");
        Assert.Equal(batchNotes.Select(n => n.Id).Order(), records.Select(r => r.Id).Order());
        foreach (var record in records)
        {
            string text = batchNotes.Single(n => n.Id == record.Id).Text;
            Assert.Null(record.Error);
            Assert.Equal("trained-1", record.ModelVersion);
            Assert.True(record.Codes!.Count >= 2, $"{record.Id}: --min-codes 2 was asked for");
            Assert.All(record.Codes!, code =>
            {
                Assert.InRange(code.Probability, 0f, 1f);
                Assert.NotEmpty(code.Evidence);
                Assert.All(code.Evidence, e => Assert.Equal(e.Text, text.Substring(e.Start, e.Length), StringComparer.OrdinalIgnoreCase));
            });
        }
    }

    [Fact]
    public async Task TrainingJob_TheRealTrainersTinyPresetThroughTheService_CompletesAndRegistersItsModel()
    {
        int port = PlantCli.FreePort();
        var settings = PlantTestSettings.For(azurite, azurite.UniqueName("t"), "api,worker");
        settings["Plant:Training:MaxAttempts"] = "1";   // a slice whose output cannot be written fails the job, not just an attempt
        string folder = PlantCli.FolderWithLocalSettings(settings, port);
        // Three codes over 40 notes: no code is rare, so the ranker's rare-code metric has nothing to measure (NaN).
        var corpus = new SyntheticCorpus(new SyntheticCorpusOptions { Documents = 40, Codes = 3, VocabularySize = 300, MedianWords = 50, Seed = 5 });
        string notes = string.Join('\n', corpus.Notes().Select(n => JsonSerializer.Serialize(new { id = n.Id, text = n.Text, codes = n.Codes })));

        using var serve = PlantCli.Start(folder, null, "serve");
        string api = $"http://localhost:{port}";
        await serve.WaitUntilAnswersAsync($"{api}/api/health/ready", Timeout, "plant serve to report ready");
        await azurite.Account.Blobs.GetBlobContainerClient(settings["Plant:Containers:Training"]).GetBlobClient("synthetic/train.jsonl")
            .UploadAsync(BinaryData.FromString(notes), overwrite: true);
        using var http = new HttpClient { BaseAddress = new Uri(api), Timeout = Timeout };
        var client = new PlantFunctions.Contracts.Client.PlantApiClient(http, PlantTestSettings.FunctionKey);
        var started = await client.StartTrainingAsync(new PlantFunctions.Contracts.Training.TrainingJobRequest("synthetic/", Preset: "tiny",
            Epochs: new PlantFunctions.Contracts.Training.TrainingEpochs(1, 1, 1), Seed: 3, JobId: "real-train", Refit: false));
        using var deadline = new CancellationTokenSource(Timeout);
        var done = await client.WaitForEndAsync(new Uri(started.StatusQueryGetUri), null, TimeSpan.FromMilliseconds(300), deadline.Token);
        var output = done.ReadOutput<PlantFunctions.Contracts.Training.TrainingJobOutput>();
        var versions = await client.ListModelsAsync();

        Assert.True(done.RuntimeStatus == PlantFunctions.Contracts.Instances.RuntimeStatus.Completed, $"{done.RuntimeStatus}: {done.Output}{Environment.NewLine}{serve.Output}");
        Assert.Equal("real-train", output!.ModelVersion);
        Assert.Contains("MAP", output.Metrics.Keys);
        Assert.All(output.Metrics.Values, v => Assert.True(double.IsFinite(v)));
        var version = Assert.Single(versions.Versions);
        Assert.Equal("real-train", versions.ActiveVersion);
        Assert.True(version.SizeBytes > 10_000, $"a model file of {version.SizeBytes} bytes");
    }

    private static async Task<List<ResultRecord>> ReadResultsAsync(Azure.Storage.Blobs.BlobContainerClient results, string batchId)
    {
        var records = new List<ResultRecord>();
        await foreach (var blob in results.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, BatchPaths.ResultsPrefix(batchId), CancellationToken.None))
        {
            if (blob.Name.StartsWith(BatchPaths.ShardResultsPrefix(batchId), StringComparison.Ordinal))
            {
                string content = (await results.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content.ToString();
                records.AddRange(content.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonSerializer.Deserialize<ResultRecord>(line, PlantJson.Options)!));
            }
        }

        return records;
    }

    private static async Task WriteJsonLinesAsync(string path, IEnumerable<object> records) =>
        await File.WriteAllLinesAsync(path, records.Select(r => JsonSerializer.Serialize(r)));
}
