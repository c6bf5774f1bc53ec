using PlantFunctions.Pipeline.Storage;
using PlantFunctions.Pipeline.Training;
using PlantFunctions.Testing;
using PlantFunctions.Testing.Hosting;

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
        Assert.Throws<OperationCanceledException>(() => first.Save([9]));   // the first lost its lease: it cannot overwrite
        Assert.Equal([1, 2, 3], taken.Load());
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

    [Fact]
    public async Task Renewal_ConnectionsDroppedLongerThanTheLease_CountsTheLeaseLostAndSavesNothing()
    {
        await using var proxy = await FaultyProxy.StartAsync(new Uri($"http://127.0.0.1:{azurite.Emulator.BlobPort}"));
        var account = new StorageAccount(azurite.ConnectionString.Replace($"127.0.0.1:{azurite.Emulator.BlobPort}", proxy.Address.Authority, StringComparison.Ordinal));
        var container = account.Blobs.GetBlobContainerClient(azurite.UniqueName("train"));
        await container.CreateAsync();
        await using var checkpoints = await BlobTrainingCheckpoints.AcquireAsync(container.GetBlobClient("_jobs/j3/checkpoint.bin"), TimeSpan.FromSeconds(15),
            TimeProvider.System, () => Task.FromResult(false), CancellationToken.None);

        // Renewals fail with dropped connections (the storage client throws an aggregate of its tries, not a RequestFailedException).
        proxy.ResetFor(TimeSpan.FromSeconds(40), request => request.Path.Value!.EndsWith("/checkpoint.bin", StringComparison.Ordinal));
        await Poll.UntilAsync(() => Task.FromResult(checkpoints.Lost.IsCancellationRequested), TimeSpan.FromSeconds(30), "the lease to count as lost");

        Assert.True(checkpoints.LeaseLost);
        Assert.False(checkpoints.StopRequested);
        Assert.Throws<OperationCanceledException>(() => checkpoints.Save([1]));
    }
}
