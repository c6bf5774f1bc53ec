using PlantFunctions.Contracts.Batches;
using PlantFunctions.Contracts.Instances;
using PlantFunctions.Host.Tests.Support;
using PlantFunctions.Pipeline.Storage;
using PlantFunctions.Testing;
using PlantFunctions.Testing.Hosting;

namespace PlantFunctions.Host.Tests.Batches;

/// <summary>Failures around the service that users meet in production: storage hiccups, several API hosts.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class ResilienceTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Batch_StorageAnswers503ForTenSeconds_UsesNoShardAttemptAndFailsNoNote()
    {
        string hub = azurite.UniqueName("t");
        await using var proxy = await FaultyProxy.StartAsync(new Uri($"http://127.0.0.1:{azurite.Emulator.BlobPort}"));
        var settings = PlantTestSettings.For(azurite, hub, "api,worker");
        settings["AzureWebJobsStorage"] = azurite.ConnectionString.Replace($"127.0.0.1:{azurite.Emulator.BlobPort}", proxy.Address.Authority, StringComparison.Ordinal);
        settings["Plant:Batches:MaxAttempts"] = "1";   // any attempt a fault used up would fail the shard's notes
        await using var host = await TestPlantHost.StartAsync(settings);
        await BatchKit.RegisterModelAsync(host);
        await BatchKit.UploadAsync(host, "busy/", ("a.jsonl", TestNotes.JsonLines(40)));
        string results = $"/{host.Get<PlantStorage>().Results.Name}";

        proxy.FailFor(TimeSpan.FromSeconds(10), request => request.Path.Value!.Contains(results, StringComparison.Ordinal));
        await BatchKit.StartAsync(host, new BatchStartRequest("busy/", BatchId: "busy"));
        var status = await BatchKit.WaitForEndAsync(host, "busy");
        var records = BatchKit.AssertExactlyOnce(await BatchKit.ReadResultsAsync(host.Get<PlantStorage>().Results, "busy"), 40);

        Assert.True(proxy.Faults > 3, $"the proxy failed {proxy.Faults} requests");
        Assert.Equal(RuntimeStatus.Completed, status.RuntimeStatus);
        Assert.All(records.Values, r => Assert.False(r.TryGetProperty("error", out _), r.ToString()));
    }

    [Fact]
    public async Task TwoApiHostsOnOneTaskHub_StartingTheSameBatchesAndWatchingTheSameMarkers_CodeEachBatchOnce()
    {
        string hub = azurite.UniqueName("t");
        await using var first = await TestPlantHost.StartAsync(PlantTestSettings.For(azurite, hub, "api,worker"));
        await using var second = await TestPlantHost.StartAsync(PlantTestSettings.For(azurite, hub, "api,worker"));
        await BatchKit.RegisterModelAsync(first);
        var notes = first.Get<PlantStorage>().Notes;
        string[] viaApi = ["a1", "a2", "a3"];
        string[] viaMarker = ["m1", "m2"];
        foreach (string id in viaApi.Concat(viaMarker))
        {
            await BatchKit.UploadAsync(first, $"{id}/", ("notes.jsonl", TestNotes.JsonLines(23)));
        }

        await Task.WhenAll(viaApi.SelectMany(id => new[] { first, second, first, second }.Select(host => BatchKit.StartAsync(host, new BatchStartRequest($"{id}/", BatchId: id)))));
        await Task.WhenAll(viaMarker.Select(id => notes.GetBlobClient($"{id}/_ready").UploadAsync(BinaryData.Empty)));
        foreach (string id in viaApi.Concat(viaMarker))
        {
            var status = await BatchKit.WaitForEndAsync(id.StartsWith('a') ? second : first, id);
            Assert.Equal(RuntimeStatus.Completed, status.RuntimeStatus);
            BatchKit.AssertExactlyOnce(await BatchKit.ReadResultsAsync(first.Get<PlantStorage>().Results, id), 23);
            Assert.Equal(23, (await BatchKit.ReadSummaryAsync(first.Get<PlantStorage>().Results, id)).NotesCoded);
        }

        // One record per note cannot show a second run (it would replace the first run's blobs): count what ran. Every
        // note went through a coder once per batch over both hosts (each batch has notes n0-n22: no shard coded twice),
        // and each batch's block orchestrations (never purged here) all belong to one run.
        var coders = first.Loader.Coders.Concat(second.Loader.Coders).ToList();
        Assert.All(Enumerable.Range(0, 23), i => Assert.Equal(viaApi.Length + viaMarker.Length, coders.Sum(c => c.GroupCalls($"n{i}"))));
        foreach (string id in viaApi.Concat(viaMarker))
        {
            var runs = new HashSet<string>();
            int instances = 0;
            await foreach (var instance in BatchKit.Client(first).GetAllInstancesAsync(new Microsoft.DurableTask.Client.OrchestrationQuery { InstanceIdPrefix = id }))
            {
                instances++;
                if (instance.Name == PlantFunctions.Pipeline.TaskNames.CodeShards)
                {
                    runs.Add(instance.InstanceId.Split(':')[2]);
                }
            }

            Assert.Equal(2, instances);   // the batch and its one block of 3 shards
            Assert.Single(runs);
        }
    }
}
