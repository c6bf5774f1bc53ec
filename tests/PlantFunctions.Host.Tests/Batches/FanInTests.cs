using System.Text.Json;
using PlantFunctions.Host.Tests.Support;
using PlantFunctions.Model.Coding;
using PlantFunctions.Pipeline.Batches;
using PlantFunctions.Pipeline.Orchestration;
using PlantFunctions.Pipeline.Storage;
using PlantFunctions.Testing;
using PlantFunctions.Testing.Fakes;
using PlantFunctions.Testing.Hosting;

namespace PlantFunctions.Host.Tests.Batches;

/// <summary>
/// The fan-in when the worker that finished the last shard died before it: two hosts racing on it, and the
/// coordinator's sweep picking it up.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class FanInTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task FanIn_TwoHostsRacing_WriteExactlyOneSummary()
    {
        string hub = azurite.UniqueName("t");
        var planner = PlantTestSettings.For(azurite, hub, "coordinator", notesPerShard: 5);
        planner["Plant:Batches:SweepInterval"] = "01:00:00";
        await using var coordinator = await TestPlantHost.StartAsync(planner);
        await using var first = await TestPlantHost.StartAsync(PlantTestSettings.For(azurite, hub, ""));
        await using var second = await TestPlantHost.StartAsync(PlantTestSettings.For(azurite, hub, ""));
        await BatchKit.RegisterModelAsync(coordinator);

        for (int round = 0; round < 4; round++)
        {
            string batchId = $"race-{round}";
            await PrepareFinishedShardsAsync(coordinator, batchId, 25);

            var results = await Task.WhenAll(
                Task.Run(() => first.Get<BatchFinisher>().FinishAsync(batchId)),
                Task.Run(() => second.Get<BatchFinisher>().FinishAsync(batchId)));
            var view = await coordinator.Get<BatchService>().GetAsync(batchId);
            var stored = await BatchKit.ReadSummaryAsync(coordinator.Get<TaskHub>().Results, batchId);

            Assert.Equal(1, results.Count(r => r.WroteSummary));
            Assert.Equal(JsonSerializer.Serialize(stored, PlantJson.Options), JsonSerializer.Serialize(results[0].Summary, PlantJson.Options));
            Assert.Equal(JsonSerializer.Serialize(stored, PlantJson.Options), JsonSerializer.Serialize(results[1].Summary, PlantJson.Options));
            Assert.Equal(RuntimeStatus.Completed, view!.Status);
            Assert.Equal(25, stored.NotesCoded);
            Assert.Equal(5, stored.ResultBlobs.Count);
            Assert.False((await first.Get<BatchFinisher>().FinishAsync(batchId)).WroteSummary);
        }
    }

    [Fact]
    public async Task Sweep_FanInCrashedMidway_FinishesTheBatch()
    {
        string hub = azurite.UniqueName("t");
        var planner = PlantTestSettings.For(azurite, hub, "coordinator", notesPerShard: 5);
        planner["Plant:Batches:SweepInterval"] = "01:00:00";
        await using (var coordinator = await TestPlantHost.StartAsync(planner))
        {
            await BatchKit.RegisterModelAsync(coordinator);
            await PrepareFinishedShardsAsync(coordinator, "orphan", 12);
        }

        await using var sweeper = await TestPlantHost.StartAsync(PlantTestSettings.For(azurite, hub, "api", notesPerShard: 5));
        var status = await BatchKit.WaitForAsync(sweeper.Client, "orphan", null, "Completed");
        var summary = await BatchKit.ReadSummaryAsync(sweeper.Get<TaskHub>().Results, "orphan");

        Assert.Equal(12, summary.NotesCoded);
        Assert.Equal(3, summary.ShardsCompleted);
        Assert.Equal("orphan/summary.json", status.GetProperty("output").GetProperty("summary").GetString());
    }

    /// <summary>
    /// Plans a batch (the coordinator's planner) and then does what workers do for every shard, except the fan-in:
    /// the state a batch is in when the worker that finished its last shard died just before the fan-in.
    /// </summary>
    private static async Task PrepareFinishedShardsAsync(TestPlantHost coordinator, string batchId, int notes)
    {
        await BatchKit.UploadAsync(coordinator, batchId + "/", ("notes.jsonl", TestNotes.JsonLines(notes)));
        await coordinator.Get<BatchService>().StartAsync(new BatchStartRequest(batchId + "/", BatchId: batchId));
        var view = await Poll.ForAsync(() => coordinator.Get<BatchService>().GetAsync(batchId), v => v!.Status == RuntimeStatus.Running, BatchKit.Timeout, "planning");
        var hub = coordinator.Get<TaskHub>();
        var store = coordinator.Get<BatchStore>();
        for (int shard = 0; shard < view!.ShardsTotal; shard++)
        {
            var input = BatchPlanner.ParseInput((await hub.Results.GetBlobClient(BatchPaths.ShardInput(batchId, shard)).DownloadContentAsync()).Value.Content);
            var lines = input.Select(i => JsonSerializer.Serialize(ResultRecord.Coded(i, new CodedNote(i.Id, FakeNoteCoder.Predict(i.Text!)), "v1"), PlantJson.Options));
            await hub.Results.GetBlobClient(BatchPaths.ShardResult(batchId, shard)).UploadAsync(BinaryData.FromString(string.Join('\n', lines) + "\n"));
            await store.CompleteShardAsync(batchId, shard, new ShardOutcome(RuntimeStatus.Completed, input.Count, 0, 1, null));
        }
    }
}
