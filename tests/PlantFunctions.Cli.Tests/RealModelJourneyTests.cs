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
