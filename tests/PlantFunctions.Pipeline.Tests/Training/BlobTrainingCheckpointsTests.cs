using PlantFunctions.Pipeline.Training;
using PlantFunctions.Testing;

namespace PlantFunctions.Pipeline.Tests.Training;

/// <summary>The leased checkpoint that keeps two activities from training one job at once.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class BlobTrainingCheckpointsTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Acquire_WhileAnotherTrainerHoldsTheJob_WaitsUntilItLetsGoThenResumesItsCheckpoint()
    {
        var container = azurite.Account.Blobs.GetBlobContainerClient(azurite.UniqueName("train"));
        await container.CreateAsync();
        var blob = container.GetBlobClient("_jobs/j1/checkpoint.bin");
        var first = await BlobTrainingCheckpoints.AcquireAsync(blob, TimeSpan.FromSeconds(15), TimeProvider.System, () => Task.FromResult(false), CancellationToken.None);
        Assert.Null(first.Load());
        first.Save([1, 2, 3]);

        var second = BlobTrainingCheckpoints.AcquireAsync(blob, TimeSpan.FromSeconds(15), TimeProvider.System, () => Task.FromResult(false), CancellationToken.None);
        await Task.Delay(2000);
        bool waited = !second.IsCompleted;
        await first.DisposeAsync();
        await using var taken = await second.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(waited, "the second trainer waited while the first held the job");
        Assert.Equal([1, 2, 3], taken.Load());
        Assert.True(taken.Resumed);
        Assert.Throws<Azure.RequestFailedException>(() => first.Save([9]));   // the first lost its lease: it cannot overwrite
    }

    [Fact]
    public async Task Renewal_StopCheckSaysStop_CancelsTheTraining()
    {
        var container = azurite.Account.Blobs.GetBlobContainerClient(azurite.UniqueName("train"));
        await container.CreateAsync();
        bool stop = false;
        await using var checkpoints = await BlobTrainingCheckpoints.AcquireAsync(container.GetBlobClient("_jobs/j2/checkpoint.bin"), TimeSpan.FromSeconds(15),
            TimeProvider.System, () => Task.FromResult(stop), CancellationToken.None);

        stop = true;
        await Task.Delay(TimeSpan.FromSeconds(7), checkpoints.Lost).ContinueWith(_ => { }, TaskScheduler.Default);

        Assert.True(checkpoints.Lost.IsCancellationRequested);
        Assert.Throws<OperationCanceledException>(() => checkpoints.Save([1]));
    }
}
