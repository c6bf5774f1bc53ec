using System.Text;
using System.Text.Json;
using Azure.Storage.Blobs.Models;
using PlantFunctions.Contracts.Batches;
using PlantFunctions.Contracts.Client;
using PlantFunctions.Contracts.Instances;
using PlantFunctions.Host.Tests.Support;
using PlantFunctions.Pipeline.Batches;
using PlantFunctions.Pipeline.Storage;
using PlantFunctions.Testing;
using PlantFunctions.Testing.Fakes;
using PlantFunctions.Testing.Hosting;

namespace PlantFunctions.Host.Tests.Batches;

/// <summary>Batches through the real local host (the Durable Task engine on Azurite, the HTTP API) with the model doubles.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class BatchFlowTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Batch_ThroughTheApi_CodesEveryNoteOnceAndWritesASummary()
    {
        var settings = PlantTestSettings.For(azurite, azurite.UniqueName("t"), "api,worker");
        settings["Plant:Batches:ShardsPerGeneration"] = "2";   // 4 shards: the orchestration continues as new twice
        await using var host = await TestPlantHost.StartAsync(settings);
        await BatchKit.RegisterModelAsync(host);
        await BatchKit.UploadAsync(host, "day-1/", ("a.jsonl", TestNotes.JsonLines(25)), ("b.jsonl", TestNotes.JsonLines(10, 25)));

        var started = await BatchKit.StartAsync(host, new BatchStartRequest("day-1/", BatchId: "day-1"));
        var status = await BatchKit.WaitForEndAsync(host, "day-1");
        var results = host.Get<PlantStorage>().Results;
        var records = BatchKit.AssertExactlyOnce(await BatchKit.ReadResultsAsync(results, "day-1"), 35);
        var summary = await BatchKit.ReadSummaryAsync(results, "day-1");

        Assert.Equal("day-1", started.Id);
        Assert.Equal(RuntimeStatus.Completed, status.RuntimeStatus);
        Assert.Equal((35, 0, 4, 4), (summary.NotesCoded, summary.NotesFailed, summary.ShardsTotal, summary.ShardsCompleted));
        Assert.All(records.Values, r => Assert.True(r.GetProperty("codes").GetArrayLength() > 0));
        Assert.Equal("day-1/summary.json", status.ReadOutput<BatchOutput>()!.Summary);
        Assert.Equal(new NoteCounts(35, 35, 0), status.ReadCustomStatus<BatchProgress>()!.Notes);
        Assert.Equal(4, status.ReadCustomStatus<BatchProgress>()!.Shards.Completed);
        Assert.Empty(await BlobNamesAsync(host, BatchPaths.WorkPrefix("day-1")));
    }

    [Fact]
    public async Task Batch_WithPerCodeThresholds_HandsThemToTheCoderForEveryShard()
    {
        await using var host = await TestPlantHost.StartAsync(PlantTestSettings.For(azurite, azurite.UniqueName("t"), "api,worker"));
        await BatchKit.RegisterModelAsync(host);
        await BatchKit.UploadAsync(host, "per-code/", ("a.jsonl", TestNotes.JsonLines(5)));

        await BatchKit.StartAsync(host, new BatchStartRequest("per-code/", BatchId: "per-code", MinCodes: 2, PerCodeThresholds: true));
        var status = await BatchKit.WaitForEndAsync(host, "per-code");

        Assert.Equal(RuntimeStatus.Completed, status.RuntimeStatus);
        var options = host.Loader.Coders.Single().Options;
        Assert.NotEmpty(options);
        Assert.All(options, o => Assert.Equal((true, 2, (float?)null), (o.PerCodeThresholds, o.MinCodes, o.Threshold)));
    }

    [Fact]
    public async Task Batch_MalformedRecords_EachGetsAnErrorRecordNamingFileLineAndReasonAndTheRestIsCoded()
    {
        await using var host = await TestPlantHost.StartAsync(PlantTestSettings.For(azurite, azurite.UniqueName("t"), "api,worker"));
        await BatchKit.RegisterModelAsync(host);
        string bad = "{\"id\": \"ok1\", \"text\": \"fever\"}\n" +
                     "{\"id\": \"surrogate\", \"text\": \"abc \\ud800 def\"}\n" +
                     "{\"id\": [1], \"text\": \"wrong type\"}\n" +
                     "{\"text\": \"no id\"}\n" +
                     $"{{\"id\": \"deep\", \"text\": \"x\", \"metadata\": {{\"a\": {new string('[', 5000)}{new string(']', 5000)}}}}}\n" +
                     "not json at all\n" +
                     "{\"id\": \"ok2\", \"text\": \"cough\"}\n";
        await host.Get<PlantStorage>().Notes.GetBlobClient("mixed/notes.jsonl").UploadAsync(new BinaryData(Encoding.UTF8.GetBytes(bad).Concat(new byte[] { 0xFF, 0xFE, (byte)'\n' }).ToArray()));

        await BatchKit.StartAsync(host, new BatchStartRequest("mixed/", BatchId: "mixed"));
        var status = await BatchKit.WaitForEndAsync(host, "mixed");
        var records = BatchKit.AssertExactlyOnce(await BatchKit.ReadResultsAsync(host.Get<PlantStorage>().Results, "mixed"), 8);

        Assert.Equal(RuntimeStatus.Completed, status.RuntimeStatus);
        Assert.True(records["mixed/notes.jsonl:1"].TryGetProperty("codes", out _));
        Assert.True(records["mixed/notes.jsonl:7"].TryGetProperty("codes", out _));
        foreach (int line in new[] { 2, 3, 4, 5, 6, 8 })
        {
            Assert.True(records[$"mixed/notes.jsonl:{line}"].TryGetProperty("error", out var error), $"line {line} has an error record");
            Assert.False(string.IsNullOrWhiteSpace(error.GetString()));
        }

        Assert.Contains("surrogate", records["mixed/notes.jsonl:2"].GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Batch_ShardThatAlwaysFails_IsRetriedBoundedlyGetsErrorRecordsAndTheBatchEndsByItsThreshold()
    {
        var settings = PlantTestSettings.For(azurite, azurite.UniqueName("t"), "api,worker", notesPerShard: 5);
        settings["Plant:Batches:ErrorThreshold"] = "4";
        await using var host = await TestPlantHost.StartAsync(settings);
        await BatchKit.RegisterModelAsync(host);
        string poisoned = string.Concat(Enumerable.Range(0, 5).Select(i => JsonSerializer.Serialize(new { id = $"p{i}", text = $"{FakeModelSettings.ThrowMarker} {i}" }) + "\n"));
        await BatchKit.UploadAsync(host, "poison/", ("a.jsonl", TestNotes.JsonLines(10)), ("b.jsonl", poisoned));

        await BatchKit.StartAsync(host, new BatchStartRequest("poison/", BatchId: "poison"));
        var status = await BatchKit.WaitForEndAsync(host, "poison");
        var results = host.Get<PlantStorage>().Results;
        var records = BatchKit.AssertExactlyOnce(await BatchKit.ReadResultsAsync(results, "poison"), 15);
        var summary = await BatchKit.ReadSummaryAsync(results, "poison");

        Assert.Equal(RuntimeStatus.Failed, status.RuntimeStatus);
        Assert.Contains("5 notes failed, over the error threshold of 4", status.OutputText, StringComparison.Ordinal);
        Assert.Equal(3, host.Loader.Coders.Single().GroupCalls("p0"));   // MaxAttempts, then no more
        Assert.Equal(RuntimeStatus.Failed, summary.Status);
        var failed = Assert.Single(summary.FailedShards);
        Assert.Equal((2, 5, 3), (failed.Shard, failed.Notes, failed.Attempts));
        Assert.All(records.Values.Where(r => r.GetProperty("id").GetString()!.StartsWith('p')),
            r => Assert.StartsWith("shard 2 failed after 3 attempts", r.GetProperty("error").GetString(), StringComparison.Ordinal));
        Assert.Equal(10, summary.NotesCoded);
    }

    [Fact]
    public async Task Batch_TerminatedMidBatchThroughTheApi_EndsWithOneRecordPerNoteAndATerminatedSummary()
    {
        var settings = PlantTestSettings.For(azurite, azurite.UniqueName("t"), "api,worker", notesPerShard: 5);
        await using var host = await TestPlantHost.StartAsync(settings, new FakeModelSettings { DelayPerNote = TimeSpan.FromMilliseconds(40) });
        await BatchKit.RegisterModelAsync(host);
        await BatchKit.UploadAsync(host, "stop/", ("a.jsonl", TestNotes.JsonLines(100)));

        await BatchKit.StartAsync(host, new BatchStartRequest("stop/", BatchId: "stop"));
        await Poll.UntilAsync(async () => (await BatchKit.Api(host).GetBatchAsync("stop"))?.ReadCustomStatus<BatchProgress>()?.Shards.Completed >= 2,
            BatchKit.Timeout, "two shards of batch stop to be coded");
        await BatchKit.Api(host).TerminateBatchAsync("stop", "enough");
        var summary = await Poll.ForAsync(() => TryReadSummaryAsync(host, "stop"), s => s is not null, BatchKit.Timeout, "the terminated batch's summary");
        await Task.Delay(1000);   // activities still in flight finish now: they must not add records
        var records = BatchKit.AssertExactlyOnce(await BatchKit.ReadResultsAsync(host.Get<PlantStorage>().Results, "stop"), 100);
        var status = await BatchKit.Api(host).GetBatchAsync("stop");

        Assert.Equal(RuntimeStatus.Terminated, status!.RuntimeStatus);
        Assert.Equal(RuntimeStatus.Terminated, summary!.Status);
        Assert.Equal(100, summary.NotesCoded + summary.NotesFailed);
        Assert.True(summary.NotesCoded >= 10, $"coded before the termination: {summary.NotesCoded}");
        Assert.True(summary.NotesFailed > 0, "notes not coded when it was terminated get error records");
        Assert.All(records.Values.Where(r => r.TryGetProperty("error", out _)),
            r => Assert.Equal("not coded: the batch was terminated: enough", r.GetProperty("error").GetString()));
    }

    [Fact]
    public async Task Batch_TerminatedThroughDurablesOwnTerminateUrl_IsClosedOutByTheSweep()
    {
        var settings = PlantTestSettings.For(azurite, azurite.UniqueName("t"), "api,worker", notesPerShard: 5);
        await using var host = await TestPlantHost.StartAsync(settings, new FakeModelSettings { DelayPerNote = TimeSpan.FromMilliseconds(40) });
        await BatchKit.RegisterModelAsync(host);
        await BatchKit.UploadAsync(host, "hard/", ("a.jsonl", TestNotes.JsonLines(60)));

        var started = await BatchKit.StartAsync(host, new BatchStartRequest("hard/", BatchId: "hard"));
        await Poll.UntilAsync(async () => (await BatchKit.Api(host).GetBatchAsync("hard"))?.ReadCustomStatus<BatchProgress>()?.Shards.Completed >= 1,
            BatchKit.Timeout, "a shard of batch hard to be coded");
        using var terminate = await host.Anonymous.PostAsync(new Uri(started.TerminatePostUri!.Replace("{text}", "from-the-webhook", StringComparison.Ordinal)), null);
        var summary = await Poll.ForAsync(() => TryReadSummaryAsync(host, "hard"), s => s is not null, BatchKit.Timeout, "the sweep to close the batch out");
        var records = BatchKit.AssertExactlyOnce(await BatchKit.ReadResultsAsync(host.Get<PlantStorage>().Results, "hard"), 60);

        Assert.Equal(System.Net.HttpStatusCode.Accepted, terminate.StatusCode);
        Assert.Equal(RuntimeStatus.Terminated, summary!.Status);
        Assert.Contains("from-the-webhook", summary.Reason, StringComparison.Ordinal);
        Assert.Equal(60, summary.NotesCoded + summary.NotesFailed);
    }

    [Fact]
    public async Task Batch_PurgedThenStartedAgainWithTheSameId_HasOnlyTheNewNotesRecords()
    {
        await using var host = await TestPlantHost.StartAsync(PlantTestSettings.For(azurite, azurite.UniqueName("t"), "api,worker"));
        await BatchKit.RegisterModelAsync(host);
        await BatchKit.UploadAsync(host, "again/", ("old.jsonl", TestNotes.JsonLines(30, idPrefix: "old")));
        await BatchKit.StartAsync(host, new BatchStartRequest("again/", BatchId: "again"));
        await BatchKit.WaitForEndAsync(host, "again");
        var api = BatchKit.Api(host);

        var purged = await api.PurgeBatchAsync("again");
        await host.Get<PlantStorage>().Notes.DeleteBlobAsync("again/old.jsonl");
        await BatchKit.UploadAsync(host, "again/", ("new.jsonl", TestNotes.JsonLines(12, idPrefix: "new")));
        await BatchKit.StartAsync(host, new BatchStartRequest("again/", BatchId: "again"));
        var status = await BatchKit.WaitForEndAsync(host, "again");
        var records = BatchKit.AssertExactlyOnce(await BatchKit.ReadResultsAsync(host.Get<PlantStorage>().Results, "again"), 12);
        var summary = await BatchKit.ReadSummaryAsync(host.Get<PlantStorage>().Results, "again");

        Assert.Equal(1, purged.InstancesDeleted);
        Assert.Equal(RuntimeStatus.Completed, status.RuntimeStatus);
        Assert.All(records.Values, r => Assert.StartsWith("new", r.GetProperty("id").GetString(), StringComparison.Ordinal));
        Assert.Equal(12, summary.NotesTotal);
    }

    [Fact]
    public async Task Batch_StartedManyTimesByApiAndMarkers_RunsOnce()
    {
        await using var host = await TestPlantHost.StartAsync(PlantTestSettings.For(azurite, azurite.UniqueName("t"), "api,worker"));
        await BatchKit.RegisterModelAsync(host);
        await BatchKit.UploadAsync(host, "once/", ("a.jsonl", TestNotes.JsonLines(40)));
        var api = BatchKit.Api(host);
        var notes = host.Get<PlantStorage>().Notes;

        var starts = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => api.StartBatchAsync(new BatchStartRequest("once/", BatchId: "once"))));
        await notes.GetBlobClient("once/_ready").UploadAsync(BinaryData.FromString("{\"batchId\": \"once\"}"), overwrite: true);
        await BatchKit.WaitForEndAsync(host, "once");
        await notes.GetBlobClient("once/_ready").UploadAsync(BinaryData.FromString("{\"batchId\": \"once\"}"), overwrite: true);   // delivered again
        await Poll.UntilAsync(async () => (await notes.GetBlobClient("once/_ready").GetPropertiesAsync()).Value.Metadata.ContainsKey(ReadyMarkers.BatchMetadata),
            BatchKit.Timeout, "the marker to be handled again");
        var conflict = await Assert.ThrowsAsync<PlantApiException>(() => api.StartBatchAsync(new BatchStartRequest("elsewhere/", BatchId: "once")));

        Assert.All(starts, s => Assert.Equal("once", s.Id));
        BatchKit.AssertExactlyOnce(await BatchKit.ReadResultsAsync(host.Get<PlantStorage>().Results, "once"), 40);
        Assert.Single(await RunIdsAsync(host, "once"));
        Assert.Equal(System.Net.HttpStatusCode.Conflict, conflict.Status);
        Assert.Equal(RuntimeStatus.Completed, (await api.GetBatchAsync("once"))!.RuntimeStatus);
    }

    [Fact]
    public async Task ReadyMarker_Uploaded_StartsTheBatchAndABadMarkerLeavesAFailedBatchSayingWhy()
    {
        await using var host = await TestPlantHost.StartAsync(PlantTestSettings.For(azurite, azurite.UniqueName("t"), "api,worker"));
        await BatchKit.RegisterModelAsync(host);
        var notes = host.Get<PlantStorage>().Notes;
        await BatchKit.UploadAsync(host, "inbox/day-2/", ("a.jsonl", TestNotes.JsonLines(12)));
        await BatchKit.UploadAsync(host, "bad/", ("a.jsonl", TestNotes.JsonLines(3)));

        await notes.GetBlobClient("inbox/day-2/_ready").UploadAsync(BinaryData.Empty);
        await notes.GetBlobClient("bad/_ready").UploadAsync(BinaryData.FromString("{\"modelVersion\": \"no-such-version\"}"));
        var good = await BatchKit.WaitForEndAsync(host, "inbox-day-2");
        var bad = await BatchKit.WaitForEndAsync(host, "bad");

        Assert.Equal(RuntimeStatus.Completed, good.RuntimeStatus);
        BatchKit.AssertExactlyOnce(await BatchKit.ReadResultsAsync(host.Get<PlantStorage>().Results, "inbox-day-2"), 12);
        Assert.Equal(RuntimeStatus.Failed, bad.RuntimeStatus);
        Assert.Contains("no-such-version", bad.OutputText, StringComparison.Ordinal);
    }

    private static async Task<BatchSummary?> TryReadSummaryAsync(TestPlantHost host, string batchId) =>
        (await host.Get<PlantStorage>().Results.GetBlobClient(BatchPaths.Summary(batchId)).DownloadIfExistsAsync())?.ToObjectFromJson<BatchSummary>(PlantFunctions.Contracts.PlantJson.Options);

    private static async Task<List<string>> BlobNamesAsync(TestPlantHost host, string prefix)
    {
        var names = new List<string>();
        await foreach (var blob in host.Get<PlantStorage>().Results.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, CancellationToken.None))
        {
            names.Add(blob.Name);
        }

        return names;
    }

    private static async Task<HashSet<string>> RunIdsAsync(TestPlantHost host, string batchId)
    {
        var runs = new HashSet<string>();
        await foreach (var blob in host.Get<PlantStorage>().Results.GetBlobsAsync(BlobTraits.Metadata, BlobStates.None, BatchPaths.ResultsPrefix(batchId), CancellationToken.None))
        {
            if (!BatchRuns.IsBookkeeping(batchId, blob.Name))
            {
                runs.Add(blob.Metadata[RunScopedBlobs.RunKey]);
            }
        }

        return runs;
    }
}
