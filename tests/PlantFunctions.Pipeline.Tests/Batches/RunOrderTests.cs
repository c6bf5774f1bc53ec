using System.Net;
using Azure.Storage.Blobs.Models;
using PlantFunctions.Contracts;
using PlantFunctions.Contracts.Batches;
using PlantFunctions.Contracts.Instances;
using PlantFunctions.Pipeline.Batches;
using PlantFunctions.Pipeline.Storage;
using PlantFunctions.Testing;
using PlantFunctions.Testing.Fakes;
using PlantFunctions.Testing.Hosting;

namespace PlantFunctions.Pipeline.Tests.Batches;

/// <summary>
/// Runs of one batch id, and one run's plan, under at-least-once delivery: the activities run directly against Azurite
/// in the orders the engine can deliver them (an activity of a terminated and purged run can still be queued, in
/// flight, or delivered again after the id was started anew).
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class RunOrderTests(AzuriteFixture azurite)
{
    private const string OldRun = "00000001-aaaaaaaa";
    private const string NewRun = "00000002-bbbbbbbb";

    [Fact]
    public async Task ReusedBatchId_OldRunsActivitiesFinishingAfterTheNewRun_LeaveOnlyTheNewRunsResults()
    {
        string holds = Directory.CreateTempSubdirectory("plant-hold-").FullName;
        await using var pipeline = await PipelineServices.CreateAsync(azurite);
        string oldNotes = TestNotes.JsonLines(10, idPrefix: "old") + System.Text.Json.JsonSerializer.Serialize(new { id = "old-held", text = $"fever {FakeModelSettings.HoldMarker}" }) + "\n"
                          + TestNotes.JsonLines(14, 10, idPrefix: "old");
        await pipeline.UploadAsync("b/", ("old.jsonl", oldNotes));
        await pipeline.PlanAsync("b", OldRun, "b/");
        await pipeline.RunAsync<CodeShardActivity, ShardTask, ShardOutcome>(pipeline.Shard("b", OldRun, 0));

        // Shard 1 of the old run is in flight (held inside the coder) when the old run is terminated, closed out and purged.
        File.WriteAllText(Path.Combine(holds, "hold-note"), "");
        await using var oldWorker = pipeline.SecondWorker(new FakeModelSettings { HoldDirectory = holds });
        var inFlight = oldWorker.RunAsync<CodeShardActivity, ShardTask, ShardOutcome>(oldWorker.ShardPlannedBy(pipeline, "b", OldRun, 1));
        await Poll.UntilAsync(() => Task.FromResult(File.Exists(Path.Combine(holds, "held-note"))), TimeSpan.FromSeconds(30), "the old run's shard 1 to be held");
        var closeOut = new CloseOutInput(Batch("b", OldRun), DateTime.UtcNow, "terminated: enough");
        await CloseOutAsync(pipeline, closeOut);
        await pipeline.DeleteWorkAsync("b");

        // The id is started again on other notes and finishes.
        await pipeline.Storage.Notes.DeleteBlobAsync("b/old.jsonl");
        await pipeline.UploadAsync("b/", ("new.jsonl", TestNotes.JsonLines(12, idPrefix: "new")));
        var plan = await pipeline.PlanAsync("b", NewRun, "b/");
        for (int shard = 0; shard < plan.Shards; shard++)
        {
            await pipeline.RunAsync<CodeShardActivity, ShardTask, ShardOutcome>(pipeline.Shard("b", NewRun, shard));
        }

        await pipeline.RunAsync<SummarizeBatchActivity, SummarizeRequest, BatchOutput>(
            new SummarizeRequest(Batch("b", NewRun), DateTime.UtcNow, DateTime.UtcNow, DateTime.UtcNow, RuntimeStatus.Completed, null, 0));

        // Then the old run's activities come through: the held shard, its PlanBatch delivered again, its close-out again.
        File.Delete(Path.Combine(holds, "hold-note"));
        await inFlight;
        await pipeline.RunAsync<PlanBatchActivity, PlanRequest, BatchPlan>(new PlanRequest("b", OldRun, "b/", 10, 100_000));
        await CloseOutAsync(pipeline, closeOut);
        await Record.ExceptionAsync(() => pipeline.RunAsync<CodeShardActivity, ShardTask, ShardOutcome>(pipeline.Shard("b", OldRun, 2)));   // its input may be gone: what counts is what it writes

        var results = await ResultBlobsAsync(pipeline, "b");
        var records = new List<System.Text.Json.JsonElement>();
        foreach (string name in results.Keys.Where(n => n.StartsWith(BatchPaths.ShardResultsPrefix("b"), StringComparison.Ordinal)))
        {
            records.AddRange(await pipeline.RecordsAsync(name));
        }

        var summary = (await pipeline.Storage.Results.GetBlobClient(BatchPaths.Summary("b")).DownloadContentAsync()).Value.Content.ToObjectFromJson<BatchSummary>(PlantJson.Options)!;
        Assert.Equal(2, plan.Shards);
        Assert.All(results, blob => Assert.Equal(NewRun, blob.Value));
        Assert.Equal([BatchPaths.ShardResult("b", 0), BatchPaths.ShardResult("b", 1), BatchPaths.Summary("b")],
            results.Keys.Where(n => !n.Contains("/_work/", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        Assert.Equal(Enumerable.Range(0, 12).Select(i => $"new{i}").Order(StringComparer.Ordinal),
            records.Select(r => r.GetProperty("id").GetString()!).Order(StringComparer.Ordinal));
        Assert.Equal((NewRun, RuntimeStatus.Completed, 12, 12, 2), (summary.RunId, summary.Status, summary.NotesTotal, summary.NotesCoded, summary.ShardsTotal));
        Directory.Delete(holds, recursive: true);
    }

    [Fact]
    public async Task PlanBatch_FirstExecutionDiedAfterWritingShardsAndTheNotesChanged_PlansOnceAndItsShardsMatchItsCounts()
    {
        await using var proxy = await FaultyProxy.StartAsync(new Uri($"http://127.0.0.1:{azurite.Emulator.BlobPort}"));
        string connection = azurite.ConnectionString.Replace($"127.0.0.1:{azurite.Emulator.BlobPort}", proxy.Address.Authority, StringComparison.Ordinal);
        await using var pipeline = await PipelineServices.CreateAsync(azurite, connectionString: connection);
        await pipeline.UploadAsync("p/", ("a.jsonl", TestNotes.JsonLines(25, idPrefix: "first")));

        // The first execution writes its shard inputs and dies writing the plan (a 403 is not retried).
        proxy.FailFor(TimeSpan.FromMinutes(5), r => r.Method == "PUT" && r.Path.Value!.EndsWith("/plan.json", StringComparison.Ordinal), HttpStatusCode.Forbidden);
        await Assert.ThrowsAnyAsync<Exception>(() => pipeline.PlanAsync("p", OldRun, "p/"));
        proxy.FailFor(TimeSpan.Zero, _ => false);
        await pipeline.Storage.Notes.DeleteBlobAsync("p/a.jsonl");
        await pipeline.UploadAsync("p/", ("b.jsonl", TestNotes.JsonLines(12, idPrefix: "second")));

        var plan = await pipeline.PlanAsync("p", OldRun, "p/");
        var again = await pipeline.PlanAsync("p", OldRun, "p/");
        var records = new List<System.Text.Json.JsonElement>();
        for (int shard = 0; shard < plan.Shards; shard++)
        {
            await pipeline.RunAsync<CodeShardActivity, ShardTask, ShardOutcome>(pipeline.Shard("p", OldRun, shard));
            records.AddRange(await pipeline.RecordsAsync(BatchPaths.ShardResult("p", shard)));
        }

        Assert.Equal(1, proxy.Faults);
        Assert.Equal(plan, again);
        Assert.Equal((12, 2), (plan.Notes, plan.Shards));
        Assert.Equal(plan.Notes, records.Count);
        Assert.All(records, r => Assert.StartsWith("second", r.GetProperty("id").GetString(), StringComparison.Ordinal));
    }

    private static async Task CloseOutAsync(PipelineServices pipeline, CloseOutInput closeOut)
    {
        await pipeline.RunAsync<CloseOutShardsActivity, CloseOutInput, bool>(closeOut);
        await pipeline.RunAsync<SummarizeBatchActivity, SummarizeRequest, BatchOutput>(
            new SummarizeRequest(closeOut.Batch, closeOut.CreatedTime, null, DateTime.UtcNow, RuntimeStatus.Terminated, closeOut.Reason, 0));
    }

    /// <summary>Every blob under the batch's results folder but the run bookkeeping, with the run its metadata names.</summary>
    private static async Task<Dictionary<string, string?>> ResultBlobsAsync(PipelineServices pipeline, string batchId)
    {
        var blobs = new Dictionary<string, string?>(StringComparer.Ordinal);
        await foreach (var blob in pipeline.Storage.Results.GetBlobsAsync(BlobTraits.Metadata, BlobStates.None, BatchPaths.ResultsPrefix(batchId), CancellationToken.None))
        {
            if (blob.Name != $"{batchId}/_owner" && blob.Name != $"{batchId}/_runs")
            {
                blobs[blob.Name] = blob.Metadata.TryGetValue(RunScopedBlobs.RunKey, out string? run) ? run : null;
            }
        }

        return blobs;
    }

    private static CodeBatchInput Batch(string batchId, string runId) => new()
    {
        BatchId = batchId,
        RunId = runId,
        NotesContainer = "notes",
        Prefix = batchId + "/",
        ModelName = "test-model",
        ModelVersion = "v1",
        ModelBlob = "test-model/v1/model.bin",
        NotesPerShard = 10,
        ErrorThreshold = -1,
        MaxNoteChars = 100_000,
        ShardsPerGeneration = 100,
        Retry = new ShardRetry(3, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)),
    };
}
