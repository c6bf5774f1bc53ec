using System.Net;
using System.Net.Http.Json;
using PlantFunctions.Host.Tests.Support;
using PlantFunctions.Pipeline.Batches;
using PlantFunctions.Pipeline.Orchestration;
using PlantFunctions.Pipeline.Storage;
using PlantFunctions.Testing;
using PlantFunctions.Testing.Fakes;
using PlantFunctions.Testing.Hosting;

namespace PlantFunctions.Host.Tests.Batches;

[Collection(AzuriteCollection.Name)]
public sealed class BatchFlowTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Batch_MalformedNotesMixedIn_ErrorRecordsWithReasonsAndTheRestCoded()
    {
        await using var host = await TestPlantHost.StartAsync(PlantTestSettings.For(azurite, azurite.UniqueName("t"), "api,worker", notesPerShard: 4));
        await BatchKit.RegisterModelAsync(host);
        string jsonl = TestNotes.JsonLines(5) +
                       "{not json\n" +
                       "{\"id\": \"x1\"}\n" +
                       "{\"text\": \"a note without an id\"}\n" +
                       "\n" +
                       "{\"id\": \"n0\", \"text\": \"a second note with the id n0\"}\n";
        await BatchKit.UploadAsync(host, "mixed/",
            ("a.jsonl", jsonl),
            ("b.csv", "id,text\nc1,\"chest pain, at rest\"\nc2,hypertension follow-up\nc3,\"unterminated,extra\",field\n"),
            ("c.txt", "Fever and cough for three days."),
            ("empty.txt", "   "),
            ("readme.md", "not a note file"));

        await BatchKit.StartAsync(host, new { prefix = "mixed/", batchId = "mixed" });
        var status = await BatchKit.WaitForAsync(host.Client, "mixed", null, "Completed", "Failed");
        var results = host.Get<TaskHub>().Results;
        var records = BatchKit.AssertExactlyOnce(await BatchKit.ReadResultsAsync(results, "mixed"), 14);
        var summary = await BatchKit.ReadSummaryAsync(results, "mixed");

        Assert.Equal("Completed", status.GetProperty("runtimeStatus").GetString());
        var errors = records.Values.Where(r => r.TryGetProperty("error", out _)).ToList();
        Assert.Equal(6, errors.Count);
        Assert.All(errors, e => Assert.False(string.IsNullOrWhiteSpace(e.GetProperty("error").GetString())));
        Assert.Contains("malformed JSON", records["mixed/a.jsonl:6"].GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal("x1", records["mixed/a.jsonl:7"].GetProperty("id").GetString());
        Assert.Contains("missing text", records["mixed/a.jsonl:7"].GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal("mixed/a.jsonl:8", records["mixed/a.jsonl:8"].GetProperty("id").GetString());
        Assert.Contains("duplicate id 'n0'", records["mixed/a.jsonl:10"].GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Contains("empty text", records["mixed/empty.txt"].GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.True(records.ContainsKey("mixed/b.csv:4"), "the CSV record with extra fields has an error record");

        var coded = records["mixed/c.txt"];
        Assert.Equal("c", coded.GetProperty("id").GetString());
        Assert.Equal("v1", coded.GetProperty("modelVersion").GetString());
        var fever = coded.GetProperty("codes").EnumerateArray().Single(c => c.GetProperty("code").GetString() == "R50.9");
        var evidence = fever.GetProperty("evidence")[0];
        Assert.Equal("Fever", evidence.GetProperty("text").GetString());
        Assert.Equal(0, evidence.GetProperty("start").GetInt32());
        Assert.Equal(5, evidence.GetProperty("length").GetInt32());

        Assert.Equal(14, summary.NotesTotal);
        Assert.Equal(8, summary.NotesCoded);
        Assert.Equal(6, summary.NotesFailed);
        Assert.Equal(1, summary.SkippedFiles);
        Assert.Equal(RuntimeStatus.Completed, summary.Status);
        Assert.Equal(records.Values.Where(r => r.TryGetProperty("codes", out _)).Sum(r => r.GetProperty("codes").GetArrayLength()), summary.CodeCounts.Values.Sum());
        Assert.Single(host.Loader.Coders);
        Assert.Single(host.Loader.Coders[0].Threads);
    }

    [Theory]
    [InlineData(-1, "Completed")]
    [InlineData(0, "Failed")]
    public async Task Batch_ShardThatAlwaysThrows_IsRetriedThenPoisoned_BatchEndsByThreshold(int errorThreshold, string expected)
    {
        var settings = PlantTestSettings.For(azurite, azurite.UniqueName("t"), "api,worker");
        settings["Plant:Batches:ErrorThreshold"] = errorThreshold.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await using var host = await TestPlantHost.StartAsync(settings);
        await BatchKit.RegisterModelAsync(host);
        // Every note of shard 1 (lines 11-20) breaks the coder, alone too: not a bad note but a broken shard.
        string broken = string.Concat(Enumerable.Range(0, 10).Select(i => $"{{\"id\": \"bad{i}\", \"text\": \"{FakeModelSettings.ThrowMarker} breaks the coder\"}}\n"));
        string notes = TestNotes.JsonLines(10) + broken + TestNotes.JsonLines(10, 10);
        await BatchKit.UploadAsync(host, "poison/", ("notes.jsonl", notes));

        await BatchKit.StartAsync(host, new { prefix = "poison/", batchId = "poison" });
        var status = await BatchKit.WaitForAsync(host.Client, "poison", null, "Completed", "Failed");
        var hub = host.Get<TaskHub>();
        var records = BatchKit.AssertExactlyOnce(await BatchKit.ReadResultsAsync(hub.Results, "poison"), 30);
        var summary = await BatchKit.ReadSummaryAsync(hub.Results, "poison");
        var poisoned = (await hub.Poison.ReceiveMessagesAsync(10)).Value;

        Assert.Equal(expected, status.GetProperty("runtimeStatus").GetString());
        var failedSources = records.Values.Where(r => r.TryGetProperty("error", out _)).Select(r => r.GetProperty("source").GetString()).Order().ToList();
        Assert.Equal(Enumerable.Range(11, 10).Select(line => $"poison/notes.jsonl:{line}").Order(), failedSources);
        Assert.All(records.Values.Where(r => r.TryGetProperty("error", out _)), r =>
        {
            Assert.Contains("failed after 3 attempts", r.GetProperty("error").GetString(), StringComparison.Ordinal);
            Assert.Contains("refuses note 'bad0'", r.GetProperty("error").GetString(), StringComparison.Ordinal);
        });
        Assert.Equal(20, records.Values.Count(r => r.TryGetProperty("codes", out _)));
        var message = Assert.Single(poisoned).Body.ToObjectFromJson<PoisonedWorkItem>(PlantJson.Options)!;
        Assert.Equal(1, message.Shard);
        Assert.Equal(3, message.Attempts);
        Assert.Equal(1, summary.ShardsFailed);
        Assert.Equal(1, Assert.Single(summary.FailedShards).Shard);
        Assert.Equal(3, summary.FailedShards[0].Attempts);
        Assert.Equal(10, summary.NotesFailed);
    }

    [Fact]
    public async Task Batch_ANoteTheCoderCannotCode_IsAnErrorRecordAndTheRestOfItsShardIsCoded()
    {
        await using var host = await TestPlantHost.StartAsync(PlantTestSettings.For(azurite, azurite.UniqueName("t"), "api,worker"));
        await BatchKit.RegisterModelAsync(host);
        string notes = TestNotes.JsonLines(15) + $"{{\"id\": \"bad\", \"text\": \"{FakeModelSettings.ThrowMarker} breaks the coder\"}}\n" + TestNotes.JsonLines(14, 15);
        await BatchKit.UploadAsync(host, "one-bad/", ("notes.jsonl", notes));

        await BatchKit.StartAsync(host, new { prefix = "one-bad/", batchId = "one-bad" });
        var status = await BatchKit.WaitForAsync(host.Client, "one-bad", null, "Completed", "Failed");
        var hub = host.Get<TaskHub>();
        var records = BatchKit.AssertExactlyOnce(await BatchKit.ReadResultsAsync(hub.Results, "one-bad"), 30);
        var summary = await BatchKit.ReadSummaryAsync(hub.Results, "one-bad");

        Assert.Equal("Completed", status.GetProperty("runtimeStatus").GetString());
        var failed = Assert.Single(records.Values, r => r.TryGetProperty("error", out _));
        Assert.Equal("bad", failed.GetProperty("id").GetString());
        Assert.Contains("the model could not code this note", failed.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Contains("refuses note 'bad'", failed.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(29, records.Values.Count(r => r.TryGetProperty("codes", out _)));
        Assert.Equal(0, summary.ShardsFailed);
        Assert.Equal(1, summary.NotesFailed);
        Assert.Empty((await hub.Poison.ReceiveMessagesAsync(10)).Value);
    }

    [Fact]
    public async Task Batch_TerminatedWhileRunning_WorkersStopAndEveryNoteStillGetsExactlyOneRecord()
    {
        await using var host = await TestPlantHost.StartAsync(PlantTestSettings.For(azurite, azurite.UniqueName("t"), "api,worker"),
            new FakeModelSettings { DelayPerNote = TimeSpan.FromMilliseconds(30) });
        await BatchKit.RegisterModelAsync(host);
        await BatchKit.UploadAsync(host, "long/", ("notes.jsonl", TestNotes.JsonLines(200)));
        var hub = host.Get<TaskHub>();

        var created = await BatchKit.StartAsync(host, new { prefix = "long/", batchId = "long" });
        await Poll.UntilAsync(async () => (await BatchKit.StatusAsync(host.Client, "long")).GetProperty("customStatus").GetProperty("shards").GetProperty("completed").GetInt32() >= 1,
            BatchKit.Timeout, "a first shard to complete");
        string terminate = created.GetProperty("terminatePostUri").GetString()!.Replace("{text}", "enough", StringComparison.Ordinal);
        using var accepted = await host.Anonymous.PostAsync(new Uri(terminate), null);
        int codedAtTermination = (await BatchKit.ReadResultsAsync(hub.Results, "long")).Count(r => r.TryGetProperty("codes", out _));
        await Poll.UntilAsync(async () => (await hub.WorkItems.GetPropertiesAsync()).Value.ApproximateMessagesCount == 0, BatchKit.Timeout, "the workers to drop the remaining work items");
        await Poll.UntilAsync(async () => (await hub.Results.GetBlobClient("long/summary.json").ExistsAsync()).Value, BatchKit.Timeout, "the terminated batch to be closed out");
        var status = await BatchKit.StatusAsync(host.Client, "long");
        var records = BatchKit.AssertExactlyOnce(await BatchKit.ReadResultsAsync(hub.Results, "long"), 200);
        var summary = await BatchKit.ReadSummaryAsync(hub.Results, "long");
        int codedAfter = records.Values.Count(r => r.TryGetProperty("codes", out _));
        using var again = await host.Client.PostAsync(new Uri("/api/batches/long/terminate", UriKind.Relative), null);

        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync(new Uri("/api/batches/long", UriKind.Relative))).StatusCode);
        Assert.Equal("Terminated", status.GetProperty("runtimeStatus").GetString());
        Assert.Contains("enough", status.GetProperty("output").GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.True(codedAfter <= codedAtTermination + 10, $"notes coded after termination: {codedAtTermination} then {codedAfter}");
        Assert.True(codedAfter < 200, "the batch did not run to the end");
        Assert.All(records.Values.Where(r => r.TryGetProperty("error", out _)),
            r => Assert.Equal("not coded: the batch was terminated: enough", r.GetProperty("error").GetString()));
        Assert.Equal(PlantFunctions.Pipeline.Orchestration.RuntimeStatus.Terminated, summary.Status);
        Assert.Equal((codedAfter, 200 - codedAfter), (summary.NotesCoded, summary.NotesFailed));
        Assert.Equal(HttpStatusCode.Gone, again.StatusCode);
    }

    [Fact]
    public async Task ReadyMarker_Uploaded_StartsTheBatchOnce()
    {
        await using var host = await TestPlantHost.StartAsync(PlantTestSettings.For(azurite, azurite.UniqueName("t"), "api,worker"));
        await BatchKit.RegisterModelAsync(host);
        await BatchKit.UploadAsync(host, "incoming/day-2/", ("notes.jsonl", TestNotes.JsonLines(12)));
        await BatchKit.UploadAsync(host, "custom/", ("notes.jsonl", TestNotes.JsonLines(3)));

        await BatchKit.UploadAsync(host, "incoming/day-2/", ("_ready", ""));
        await BatchKit.UploadAsync(host, "custom/", ("_ready", "{\"batchId\": \"custom-id\", \"modelVersion\": \"v1\"}"));
        var derived = await Poll.ForAsync(() => host.Client.GetAsync(new Uri("/api/batches/incoming-day-2", UriKind.Relative)),
            r => r.StatusCode == HttpStatusCode.OK, BatchKit.Timeout, "the marker's batch to finish");
        var custom = await BatchKit.WaitForAsync(host.Client, "custom-id", null, "Completed");
        var marker = await host.Get<TaskHub>().Notes.GetBlobClient("incoming/day-2/_ready").GetPropertiesAsync();

        var status = System.Text.Json.JsonDocument.Parse(await derived.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("Completed", status.GetProperty("runtimeStatus").GetString());
        Assert.Equal("marker", status.GetProperty("input").GetProperty("origin").GetString());
        Assert.Equal(12, status.GetProperty("customStatus").GetProperty("notes").GetProperty("coded").GetInt32());
        Assert.Equal(3, custom.GetProperty("customStatus").GetProperty("notes").GetProperty("coded").GetInt32());
        Assert.Equal("incoming-day-2", marker.Value.Metadata["plantbatch"]);
        Assert.Equal(HttpStatusCode.Conflict, (await host.Client.PostAsJsonAsync("/api/batches", new { prefix = "other/", batchId = "incoming-day-2" })).StatusCode);
    }
}
