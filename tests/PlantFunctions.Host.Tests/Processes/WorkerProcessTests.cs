using PlantFunctions.Host.Tests.Support;
using PlantFunctions.Pipeline.Batches;
using PlantFunctions.Pipeline.Orchestration;
using PlantFunctions.Pipeline.Storage;
using PlantFunctions.Testing;
using PlantFunctions.Testing.Fakes;
using PlantFunctions.Testing.Hosting;

namespace PlantFunctions.Host.Tests.Processes;

/// <summary>Batches coded by real worker processes (the test host executable), some of them killed mid-shard.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class WorkerProcessTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Batch_TwoWorkerProcesses_EveryNoteCodedExactlyOnce()
    {
        string hub = azurite.UniqueName("t");
        await using var api = await TestPlantHost.StartAsync(PlantTestSettings.For(azurite, hub, "api", notesPerShard: 25));
        var model = new FakeModelSettings { DelayPerNote = TimeSpan.FromMilliseconds(20) };
        await using var worker1 = await PlantProcess.StartAsync(PlantTestSettings.For(azurite, hub, "worker"), model);
        await using var worker2 = await PlantProcess.StartAsync(PlantTestSettings.For(azurite, hub, "worker"), model);
        await BatchKit.RegisterModelAsync(api);
        await BatchKit.UploadAsync(api, "big/", ("part-1.jsonl", TestNotes.JsonLines(120)), ("part-2.jsonl", TestNotes.JsonLines(120, 120)),
            ("part-3.jsonl", TestNotes.JsonLines(60, 240)));

        await BatchKit.StartAsync(api, new { prefix = "big/", batchId = "big" });
        var status = await BatchKit.WaitForAsync(api.Client, "big", () => worker1.Output + worker2.Output, "Completed", "Failed");
        var records = BatchKit.AssertExactlyOnce(await BatchKit.ReadResultsAsync(api.Get<TaskHub>().Results, "big"), 300);
        var summary = await BatchKit.ReadSummaryAsync(api.Get<TaskHub>().Results, "big");

        Assert.Equal("Completed", status.GetProperty("runtimeStatus").GetString());
        Assert.All(records.Values, r => Assert.True(r.GetProperty("codes").GetArrayLength() > 0));
        Assert.Equal(Enumerable.Range(0, 300).Select(i => $"n{i}").Order(), records.Values.Select(r => r.GetProperty("id").GetString()).Order());
        Assert.Equal(300, summary.NotesCoded);
        Assert.Equal(12, summary.ShardsCompleted);
        var codedBy = (await api.Get<BatchStore>().ListShardsAsync("big")).Select(s => s.Worker![(s.Worker!.LastIndexOf(':') + 1)..]).ToHashSet();
        Assert.Equal(new HashSet<string> { $"{worker1.Id}", $"{worker2.Id}" }, codedBy);
    }

    [Fact]
    public async Task Batch_WorkerKilledMidShardTwice_CompletesWithEveryNoteExactlyOnce()
    {
        string hub = azurite.UniqueName("t");
        await using var api = await TestPlantHost.StartAsync(PlantTestSettings.For(azurite, hub, "api", notesPerShard: 10));

        // Two seconds per shard: long enough that a kill seen "mid-shard" lands before the shard's result is recorded.
        var model = new FakeModelSettings { DelayPerNote = TimeSpan.FromMilliseconds(200) };
        var workerSettings = PlantTestSettings.For(azurite, hub, "worker");
        var workers = new List<PlantProcess> { await PlantProcess.StartAsync(workerSettings, model), await PlantProcess.StartAsync(workerSettings, model) };
        try
        {
            await BatchKit.RegisterModelAsync(api);
            await BatchKit.UploadAsync(api, "kill/", ("notes.jsonl", TestNotes.JsonLines(200)));
            await BatchKit.StartAsync(api, new { prefix = "kill/", batchId = "kill" });
            var store = api.Get<BatchStore>();
            var killedShards = new List<int>();

            for (int kill = 0; kill < 2; kill++)
            {
                var victim = workers[kill % workers.Count];
                var shard = await Poll.ForAsync(async () => (await store.ListShardsAsync("kill")).FirstOrDefault(s =>
                        s.Status == nameof(RuntimeStatus.Running) && s.Worker?.EndsWith($":{victim.Id}", StringComparison.Ordinal) == true && !killedShards.Contains(s.Index)),
                    s => s is not null, BatchKit.Timeout, $"worker {victim.Id} to be in the middle of a shard", () => victim.Output);
                victim.Kill();
                killedShards.Add(shard!.Index);
                workers.Add(await PlantProcess.StartAsync(workerSettings, model));
            }

            var status = await BatchKit.WaitForAsync(api.Client, "kill", () => string.Join(Environment.NewLine, workers.Select(w => w.Output)), "Completed", "Failed");
            var records = BatchKit.AssertExactlyOnce(await BatchKit.ReadResultsAsync(api.Get<TaskHub>().Results, "kill"), 200);
            var shards = await store.ListShardsAsync("kill");

            Assert.Equal("Completed", status.GetProperty("runtimeStatus").GetString());
            Assert.All(records.Values, r => Assert.False(r.TryGetProperty("error", out _), r.ToString()));
            Assert.Equal(20, shards.Count(s => s.Status == nameof(RuntimeStatus.Completed)));
            Assert.All(killedShards, index => Assert.True(shards.Single(s => s.Index == index).Attempts >= 2, $"shard {index} was redone after its worker died"));
        }
        finally
        {
            foreach (var worker in workers)
            {
                await worker.DisposeAsync();
            }
        }
    }
}
