using System.Net;
using System.Text.Json.Nodes;
using Microsoft.DurableTask.Client;
using PlantFunctions.Contracts.Batches;
using PlantFunctions.Contracts.Instances;
using PlantFunctions.Host.Tests.Support;
using PlantFunctions.Pipeline;
using PlantFunctions.Pipeline.Batches;
using PlantFunctions.Pipeline.Storage;
using PlantFunctions.Testing;
using PlantFunctions.Testing.Fakes;
using PlantFunctions.Testing.Hosting;

namespace PlantFunctions.Host.Tests.Batches;

/// <summary>
/// How batches end, and outlive deployments: purge only after the close-out, the close-out sweep (retries, skips what
/// it cannot read, does not look at a settled batch again), inputs written by an earlier version.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class BatchEndingTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Purge_TerminatedBatchWhoseCloseOutHasNotFinished_Is409OnEveryPurgeRoute()
    {
        var settings = Settings("api,worker");
        await using var host = await TestPlantHost.StartAsync(settings, new FakeModelSettings { DelayPerNote = TimeSpan.FromMilliseconds(40) });
        await BatchKit.RegisterModelAsync(host);
        await BatchKit.UploadAsync(host, "p/", ("a.jsonl", TestNotes.JsonLines(60)));
        var started = await BatchKit.StartAsync(host, new BatchStartRequest("p/", BatchId: "p"));
        await Poll.UntilAsync(async () => (await BatchKit.Api(host).GetBatchAsync("p"))?.ReadCustomStatus<BatchProgress>()?.Shards.Completed >= 1,
            BatchKit.Timeout, "a shard of batch p to be coded");

        using var terminate = await host.Anonymous.PostAsync(new Uri(started.TerminatePostUri!.Replace("{text}", "engine-only", StringComparison.Ordinal)), null);
        await Poll.UntilAsync(async () => (await BatchKit.Api(host).GetBatchAsync("p"))?.RuntimeStatus == RuntimeStatus.Terminated, BatchKit.Timeout, "p to be terminated");
        using var apiPurge = await host.Client.DeleteAsync(new Uri("/api/batches/p", UriKind.Relative));
        using var webhookPurge = await host.Anonymous.DeleteAsync(new Uri(started.PurgeHistoryDeleteUri!));
        int closing = await host.Get<BatchStarter>().CloseOutTerminatedAsync(BatchKit.Client(host));
        var purged = await Poll.ForAsync(() => host.Client.DeleteAsync(new Uri("/api/batches/p", UriKind.Relative)), r => r.StatusCode != HttpStatusCode.Conflict,
            BatchKit.Timeout, "the purge to be allowed once the close-out finished");
        var summary = await BatchKit.ReadSummaryAsync(host.Get<PlantStorage>().Results, "p");

        Assert.Equal(HttpStatusCode.Conflict, apiPurge.StatusCode);
        Assert.Contains("close-out", await apiPurge.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, webhookPurge.StatusCode);
        Assert.Equal(1, closing);
        Assert.Equal(HttpStatusCode.OK, purged.StatusCode);
        Assert.Equal((RuntimeStatus.Terminated, 60), (summary.Status, summary.NotesCoded + summary.NotesFailed));
        BatchKit.AssertExactlyOnce(await BatchKit.ReadResultsAsync(host.Get<PlantStorage>().Results, "p"), 60);
    }

    [Fact]
    public async Task CloseOutSweep_CloseOutThatFailed_IsStartedAgainAndASettledBatchIsNotReadAgain()
    {
        await using var proxy = await FaultyProxy.StartAsync(new Uri($"http://127.0.0.1:{azurite.Emulator.BlobPort}"));
        var settings = Settings("api,worker");
        settings["AzureWebJobsStorage"] = azurite.ConnectionString.Replace($"127.0.0.1:{azurite.Emulator.BlobPort}", proxy.Address.Authority, StringComparison.Ordinal);
        await using var host = await TestPlantHost.StartAsync(settings, new FakeModelSettings { DelayPerNote = TimeSpan.FromMilliseconds(40) });
        await BatchKit.RegisterModelAsync(host);
        await BatchKit.UploadAsync(host, "s/", ("a.jsonl", TestNotes.JsonLines(60)));
        await BatchKit.StartAsync(host, new BatchStartRequest("s/", BatchId: "s"));
        var client = BatchKit.Client(host);
        var sweep = host.Get<BatchStarter>();
        await Poll.UntilAsync(async () => (await BatchKit.Api(host).GetBatchAsync("s"))?.ReadCustomStatus<BatchProgress>()?.Shards.Completed >= 1,
            BatchKit.Timeout, "a shard of batch s to be coded");
        await client.TerminateInstanceAsync("s", "engine-only");
        await Poll.UntilAsync(async () => (await client.GetInstanceAsync("s"))?.RuntimeStatus == OrchestrationRuntimeStatus.Terminated, BatchKit.Timeout, "s to be terminated");
        string run = (await BatchKit.Api(host).GetBatchAsync("s"))!.Input!.Value.GetProperty("runId").GetString()!;

        // The summary cannot be written (403, not retried): the close-out fails.
        proxy.FailFor(TimeSpan.FromMinutes(5), r => r.Method == "PUT" && r.Path.Value!.EndsWith("/s/summary.json", StringComparison.Ordinal), HttpStatusCode.Forbidden);
        int first = await sweep.CloseOutTerminatedAsync(client);
        var failed = await Poll.ForAsync(() => client.GetInstanceAsync(CloseOutInput.InstanceId("s", run)), m => m?.RuntimeStatus == OrchestrationRuntimeStatus.Failed,
            BatchKit.Timeout, "the close-out to fail");
        proxy.FailFor(TimeSpan.Zero, _ => false);
        int second = await sweep.CloseOutTerminatedAsync(client);
        var summary = await Poll.ForAsync(() => TryReadSummaryAsync(host, "s"), s => s is not null, BatchKit.Timeout, "the close-out started again to write the summary");
        await Poll.UntilAsync(async () => (await client.GetInstanceAsync(CloseOutInput.InstanceId("s", run)))?.RuntimeStatus == OrchestrationRuntimeStatus.Completed,
            BatchKit.Timeout, "the second close-out to complete");
        await sweep.CloseOutTerminatedAsync(client);
        proxy.Count(r => r.Path.Value!.Contains("/s/", StringComparison.Ordinal));
        int third = await sweep.CloseOutTerminatedAsync(client);

        Assert.Equal((1, 1, 0), (first, second, third));
        Assert.NotNull(failed);
        Assert.Equal(RuntimeStatus.Terminated, summary!.Status);
        Assert.Equal(0, proxy.Counted);
        BatchKit.AssertExactlyOnce(await BatchKit.ReadResultsAsync(host.Get<PlantStorage>().Results, "s"), 60);
    }

    [Fact]
    public async Task CloseOutSweep_TerminatedBatchWhoseInputCannotBeRead_IsSkippedAndTheOthersAreClosedOut()
    {
        var settings = Settings("api");
        await using var host = await TestPlantHost.StartAsync(settings);
        var client = BatchKit.Client(host);
        var instances = azurite.Account.Tables.GetTableClient($"{settings["Plant:TaskHub"]}Instances");
        foreach (string id in new[] { "bad", "good" })
        {
            await client.ScheduleNewOrchestrationInstanceAsync(TaskNames.CodeBatch, JsonNode.Parse(PreviousShape(id, "0123456789abcdef")),
                new Microsoft.DurableTask.StartOrchestrationOptions(id));

            // Terminated as the engine records it (no worker runs in this host); the bad one's input has a field of
            // another type, as another version might have written it.
            var row = (await instances.GetEntityAsync<Azure.Data.Tables.TableEntity>(id, "")).Value;
            row["RuntimeStatus"] = "Terminated";
            if (id == "bad")
            {
                row["Input"] = PreviousShape(id, "0123456789abcdef").Replace("\"runId\":\"0123456789abcdef\"", "\"runId\":12", StringComparison.Ordinal);
            }

            await instances.UpdateEntityAsync(row, row.ETag);
        }

        int started = await host.Get<BatchStarter>().CloseOutTerminatedAsync(client);

        Assert.Equal(1, started);
        Assert.NotNull(await client.GetInstanceAsync(CloseOutInput.InstanceId("good", "0123456789abcdef")));
        Assert.Null(await client.GetInstanceAsync(CloseOutInput.InstanceId("bad", "0123456789abcdef")));
    }

    [Fact]
    public async Task Batch_StartedWithAnInputOfThePreviousShape_FinishesWithThisBuild()
    {
        await using var host = await TestPlantHost.StartAsync(Settings("api,worker"));
        await BatchKit.RegisterModelAsync(host);
        await BatchKit.UploadAsync(host, "old/", ("a.jsonl", TestNotes.JsonLines(45)));

        await BatchKit.Client(host).ScheduleNewOrchestrationInstanceAsync(TaskNames.CodeBatch, JsonNode.Parse(PreviousShape("old", "fedcba9876543210")),
            new Microsoft.DurableTask.StartOrchestrationOptions("old"));
        var status = await BatchKit.WaitForEndAsync(host, "old");
        var summary = await BatchKit.ReadSummaryAsync(host.Get<PlantStorage>().Results, "old");

        Assert.Equal(RuntimeStatus.Completed, status.RuntimeStatus);
        BatchKit.AssertExactlyOnce(await BatchKit.ReadResultsAsync(host.Get<PlantStorage>().Results, "old"), 45);
        Assert.Equal(("fedcba9876543210", 45, 5), (summary.RunId, summary.NotesCoded, summary.ShardsTotal));
    }

    /// <summary>A <c>CodeBatch</c> input as the build before versioned inputs wrote it (no version; a 16-hex-digit run id; 2 shards per generation).</summary>
    private static string PreviousShape(string batchId, string runId) =>
        $$"""
        {"batchId":"{{batchId}}","runId":"{{runId}}","notesContainer":"x","prefix":"{{batchId}}/","modelName":"{{PlantTestSettings.ModelName}}",
         "modelVersion":"v1","modelBlob":"{{PlantTestSettings.ModelName}}/v1/model.bin","minCodes":0,"perCodeThresholds":false,"notesPerShard":10,
         "errorThreshold":-1,"maxNoteChars":100000,"shardsPerGeneration":2,"retry":{"maxAttempts":3,"firstDelay":"00:00:00.2000000","maxDelay":"00:00:01"},
         "origin":"api"}
        """;

    private Dictionary<string, string?> Settings(string roles)
    {
        var settings = PlantTestSettings.For(azurite, azurite.UniqueName("t"), roles, notesPerShard: 5);
        settings["Plant:Batches:SweepInterval"] = "01:00:00";   // the tests sweep themselves
        return settings;
    }

    private static async Task<BatchSummary?> TryReadSummaryAsync(TestPlantHost host, string batchId) =>
        (await host.Get<PlantStorage>().Results.GetBlobClient(BatchPaths.Summary(batchId)).DownloadIfExistsAsync())?.ToObjectFromJson<BatchSummary>(PlantFunctions.Contracts.PlantJson.Options);
}
