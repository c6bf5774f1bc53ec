using Microsoft.Extensions.DependencyInjection;
using PlantFunctions.Pipeline.Batches;
using PlantFunctions.Pipeline.Coding;
using PlantFunctions.Pipeline.Orchestration;
using PlantFunctions.Pipeline.Storage;
using PlantFunctions.Testing;
using PlantFunctions.Testing.Fakes;
using PlantFunctions.Testing.Hosting;

namespace PlantFunctions.Pipeline.Tests.Batches;

[Collection(AzuriteCollection.Name)]
public sealed class BatchPlannerTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Plan_AgainAfterACrashBeforeRunning_KeepsTheSameShardsAndSendsNoDuplicates()
    {
        await using var services = await PipelineServices.CreateAsync(azurite, azurite.UniqueName("t"), notesPerShard: 4);
        var hub = services.GetRequiredService<TaskHub>();
        var store = services.GetRequiredService<BatchStore>();
        await services.GetRequiredService<ModelRegistry>().RegisterAsync(PlantTestSettings.ModelName, "v1", FakeModelFile.Create(PlantTestSettings.ModelName, "v1"), new Dictionary<string, double>());
        string notes = string.Concat(Enumerable.Range(0, 10).Select(i => $"{{\"id\": \"n{i}\", \"text\": \"note {i}\"}}\n"));
        await hub.Notes.GetBlobClient("p/notes.jsonl").UploadAsync(BinaryData.FromString(notes));
        await services.GetRequiredService<BatchService>().StartAsync(new BatchStartRequest("p/", BatchId: "b1"));
        var planner = services.GetRequiredService<BatchPlanner>();

        await planner.PlanAsync("b1");
        var firstInputs = await ReadInputsAsync(hub, 3);
        // The coordinator died after sending the work items but before recording Running: plan again.
        await store.UpdateBatchAsync("b1", b => { b.Status = nameof(RuntimeStatus.Pending); return true; });
        await planner.PlanAsync("b1");
        var batch = await store.GetBatchAsync("b1");
        var shards = await store.ListShardsAsync("b1");
        var messages = (await hub.WorkItems.PeekMessagesAsync(32)).Value;

        Assert.Equal(RuntimeStatus.Running, RuntimeStatusExtensions.ParseStatus(batch!.Status));
        Assert.Equal(3, batch.ShardCount);
        Assert.Equal(10, batch.NoteCount);
        Assert.Equal([4, 4, 2], shards.OrderBy(s => s.Index).Select(s => s.NoteCount));
        Assert.Equal(firstInputs, await ReadInputsAsync(hub, 3));
        Assert.Equal(3, messages.Length);
        Assert.Equal([0, 1, 2], messages.Select(m => m.Body.ToObjectFromJson<WorkItem>(PlantJson.Options)!.Shard).Order());
    }

    [Fact]
    public async Task Plan_NoNoteFiles_FailsTheBatchWithTheReason()
    {
        await using var services = await PipelineServices.CreateAsync(azurite, azurite.UniqueName("t"));
        var hub = services.GetRequiredService<TaskHub>();
        await services.GetRequiredService<ModelRegistry>().RegisterAsync(PlantTestSettings.ModelName, "v1", FakeModelFile.Create(PlantTestSettings.ModelName, "v1"), new Dictionary<string, double>());
        await hub.Notes.GetBlobClient("p/readme.md").UploadAsync(BinaryData.FromString("nothing to code"));
        await services.GetRequiredService<BatchService>().StartAsync(new BatchStartRequest("p/", BatchId: "b1"));

        await services.GetRequiredService<BatchPlanner>().PlanAsync("b1");
        var view = await services.GetRequiredService<BatchService>().GetAsync("b1");

        Assert.Equal(RuntimeStatus.Failed, view!.Status);
        Assert.Contains("no note files", view.Error, StringComparison.Ordinal);
    }

    private static async Task<List<string>> ReadInputsAsync(TaskHub hub, int shards)
    {
        var inputs = new List<string>();
        for (int i = 0; i < shards; i++)
        {
            inputs.Add((await hub.Results.GetBlobClient(BatchPaths.ShardInput("b1", i)).DownloadContentAsync()).Value.Content.ToString());
        }

        return inputs;
    }
}
