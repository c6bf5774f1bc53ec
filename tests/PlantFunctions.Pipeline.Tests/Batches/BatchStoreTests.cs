using Microsoft.Extensions.DependencyInjection;
using PlantFunctions.Pipeline.Batches;
using PlantFunctions.Pipeline.Orchestration;
using PlantFunctions.Testing;

namespace PlantFunctions.Pipeline.Tests.Batches;

[Collection(AzuriteCollection.Name)]
public sealed class BatchStoreTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task CompleteShard_ManyShardsAtOnce_CountsEveryShardOnceAndOneCallSeesTheLast()
    {
        await using var services = await PipelineServices.CreateAsync(azurite, azurite.UniqueName("t"));
        var store = services.GetRequiredService<BatchStore>();
        const int shards = 12;
        await store.EnsureProgressAsync("b1");
        for (int i = 0; i < shards; i++)
        {
            await store.AddShardIfMissingAsync(new ShardEntity { PartitionKey = "b1", RowKey = BatchPaths.ShardKey(i), Index = i, NoteCount = 10 });
        }

        var completions = await Task.WhenAll(Enumerable.Range(0, shards).Select(i => Task.Run(() =>
            store.CompleteShardAsync("b1", i, new ShardOutcome(RuntimeStatus.Completed, 9, 1, 5, null)))));
        var progress = await store.GetProgressAsync("b1");

        Assert.All(completions, c => Assert.True(c.Recorded));
        Assert.Equal(1, completions.Count(c => c.Progress.ShardsDone == shards));
        Assert.Equal(shards, progress!.ShardsCompleted);
        Assert.Equal(shards * 9, progress.NotesCoded);
        Assert.Equal(shards, progress.NotesFailed);
        Assert.Equal(shards * 5, progress.CodingMilliseconds);
    }

    [Fact]
    public async Task CompleteShard_SameShardTwiceAtOnce_IsRecordedOnce()
    {
        await using var services = await PipelineServices.CreateAsync(azurite, azurite.UniqueName("t"));
        var store = services.GetRequiredService<BatchStore>();
        await store.EnsureProgressAsync("b1");
        await store.AddShardIfMissingAsync(new ShardEntity { PartitionKey = "b1", RowKey = BatchPaths.ShardKey(0), Index = 0, NoteCount = 10 });

        var completions = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
            store.CompleteShardAsync("b1", 0, new ShardOutcome(RuntimeStatus.Completed, 10, 0, 1, null)))));
        var progress = await store.GetProgressAsync("b1");

        Assert.Equal(1, completions.Count(c => c.Recorded));
        Assert.Equal(1, progress!.ShardsCompleted);
        Assert.Equal(10, progress.NotesCoded);
    }
}
