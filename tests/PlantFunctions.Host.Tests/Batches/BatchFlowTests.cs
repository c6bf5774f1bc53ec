using PlantFunctions.Contracts.Batches;
using PlantFunctions.Contracts.Instances;
using PlantFunctions.Host.Tests.Support;
using PlantFunctions.Pipeline.Storage;
using PlantFunctions.Testing;
using PlantFunctions.Testing.Hosting;

namespace PlantFunctions.Host.Tests.Batches;

/// <summary>Batches through the real local host (DTFx on Azurite, the HTTP API) with the model doubles.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class BatchFlowTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Batch_ThroughTheApi_CodesEveryNoteOnceAndWritesASummary()
    {
        await using var host = await TestPlantHost.StartAsync(PlantTestSettings.For(azurite, azurite.UniqueName("t"), "api,worker"));
        await BatchKit.RegisterModelAsync(host);
        await BatchKit.UploadAsync(host, "day-1/", ("a.jsonl", TestNotes.JsonLines(25)), ("b.jsonl", TestNotes.JsonLines(10, 25)));

        var started = await BatchKit.StartAsync(host, new BatchStartRequest("day-1/", BatchId: "day-1"));
        var status = await BatchKit.WaitForEndAsync(host, "day-1");
        var results = host.Get<PlantStorage>().Results;
        var records = BatchKit.AssertExactlyOnce(await BatchKit.ReadResultsAsync(results, "day-1"), 35);
        var summary = await BatchKit.ReadSummaryAsync(results, "day-1");

        Assert.Equal("day-1", started.Id);
        Assert.Equal(RuntimeStatus.Completed, status.RuntimeStatus);
        Assert.Equal(35, summary.NotesCoded);
        Assert.Equal(4, summary.ShardsTotal);
        Assert.All(records.Values, r => Assert.True(r.GetProperty("codes").GetArrayLength() > 0));
        var output = status.ReadOutput<BatchOutput>()!;
        Assert.Equal("day-1/summary.json", output.Summary);
        var progress = status.ReadCustomStatus<BatchProgress>()!;
        Assert.Equal(new NoteCounts(35, 35, 0), progress.Notes);
    }
}
