using System.Security.Cryptography;
using System.Text.Json;
using Azure.Storage.Blobs;
using PlantFunctions.Contracts.Instances;
using PlantFunctions.Contracts.Training;
using PlantFunctions.Host.Tests.Support;
using PlantFunctions.Pipeline.Storage;
using PlantFunctions.Testing;
using PlantFunctions.Testing.Fakes;
using PlantFunctions.Testing.Hosting;

namespace PlantFunctions.Host.Tests.Training;

/// <summary>Training jobs under the faults of issue 22: reused ids, duplicate deliveries, storage cut off, purges, deployments.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class TrainingFaultTests(AzuriteFixture azurite)
{
    private static readonly TrainingJobRequest Request = new("codiesp/train/", Preset: "tiny", Epochs: new TrainingEpochs(1, 1, 2), Seed: 7, JobId: "job-1");

    [Fact]
    public async Task TrainingJob_PurgedAndItsIdUsedAgain_RegistersTheNewRunsModel()
    {
        await using var host = await TestPlantHost.StartAsync(PlantTestSettings.For(azurite, azurite.UniqueName("t"), "api,worker"));
        var api = BatchKit.Api(host);
        var storage = host.Get<PlantStorage>();
        await UploadTrainingNotesAsync(host, 20);
        var first = await RunAsync(api, Request);
        string firstHash = await HashAsync(storage.ModelFiles.GetBlobClient($"{first.ModelName}/{first.ModelVersion}/model.bin"));

        await api.PurgeTrainingJobAsync("job-1");
        await UploadTrainingNotesAsync(host, 12);   // other data: the new run's model differs from the first's
        var second = await RunAsync(api, Request);
        string trained = await HashAsync(await SingleModelFileAsync(storage, "job-1"));
        string registered = await HashAsync(storage.ModelFiles.GetBlobClient($"{second.ModelName}/{second.ModelVersion}/model.bin"));
        var versions = await api.ListModelsAsync();

        Assert.NotEqual(firstHash, trained);
        Assert.Equal(trained, registered);
        Assert.Equal(12, second.Metrics["trainNotes"]);
        Assert.Equal(2, versions.Versions.Count);   // the first run's version stays as it was: versions are never replaced
        Assert.Equal(firstHash, await HashAsync(storage.ModelFiles.GetBlobClient($"{first.ModelName}/{first.ModelVersion}/model.bin")));
    }

    [Fact]
    public async Task TrainingJob_StartedByThePreviousBuildWithItsInput_IsFinishedByThisBuild()
    {
        await using var host = await TestPlantHost.StartAsync(PlantTestSettings.For(azurite, azurite.UniqueName("t"), "api,worker"));
        var storage = host.Get<PlantStorage>();
        await UploadTrainingNotesAsync(host, 20);
        // The input the previous build scheduled (no version, no run id), and the checkpoint its activities left where it
        // kept them, inside the classifier stage (steps 6-7 of 8; 7 is next).
        const string previousInput = """
            {"jobId":"job-1","request":{"trainingData":"codiesp/train/","preset":"tiny","epochs":{"languageModel":1,"ranker":1,"classifier":2},
             "seed":7,"modelName":"test-model","jobId":"job-1"},"sliceDuration":"00:10:00","maxAttempts":3,"retryDelay":"00:00:00.2000000","modelVersion":"job-1"}
            """;
        await storage.Training.GetBlobClient("_jobs/job-1/checkpoint.bin").UploadAsync(BinaryData.FromString("""{"Step":7,"ResumedAtStep":6}"""));

        await BatchKit.Client(host).ScheduleNewOrchestrationInstanceAsync("TrainModel", JsonDocument.Parse(previousInput).RootElement,
            new Microsoft.DurableTask.StartOrchestrationOptions("job-1"));
        var done = await BatchKit.Api(host).WaitForEndAsync(new Uri("api/training-jobs/job-1", UriKind.Relative), pollInterval: TimeSpan.FromMilliseconds(200));
        var output = done.ReadOutput<TrainingJobOutput>();

        Assert.True(done.RuntimeStatus == RuntimeStatus.Completed, $"{done.RuntimeStatus}: {done.Output}");
        Assert.Equal("job-1", output!.ModelVersion);
        Assert.Equal(7, output.Metrics["resumedAtStep"]);   // it went on from the previous build's checkpoint
        Assert.Equal(await HashAsync(storage.Training.GetBlobClient("_jobs/job-1/model.plant")),
            await HashAsync(storage.ModelFiles.GetBlobClient("test-model/job-1/model.bin")));
    }

    [Fact]
    public async Task Purge_TerminatedJobWhoseActivityStillTrains_IsRefusedWith409UntilItStopsThenPurgesEverything()
    {
        // Terminated through the engine's own URL, and no sweep yet to mark it stopped: its activity trains on, holding the checkpoint.
        var settings = PlantTestSettings.For(azurite, azurite.UniqueName("t"), "api,worker");
        settings["Plant:Training:SliceDuration"] = "00:10:00";
        settings["Plant:Batches:SweepInterval"] = "01:00:00";
        await using var host = await TestPlantHost.StartAsync(settings, new FakeModelSettings { TrainSteps = 80, TrainStepDelay = TimeSpan.FromSeconds(1) });
        var storage = host.Get<PlantStorage>();
        var api = BatchKit.Api(host);
        await UploadTrainingNotesAsync(host, 20);
        await api.StartTrainingAsync(Request);
        await Poll.UntilAsync(async () => await FilesAsync(storage, "job-1", "/checkpoint.bin") is [var c] && (await c.GetPropertiesAsync()).Value.ContentLength > 0,
            BatchKit.Timeout, "the first checkpoint");
        using (var terminate = await host.Client.PostAsync(new Uri("runtime/webhooks/durabletask/instances/job-1/terminate?reason=x", UriKind.Relative), null))
        {
            Assert.Equal(System.Net.HttpStatusCode.Accepted, terminate.StatusCode);
        }

        await api.WaitForEndAsync(new Uri("api/training-jobs/job-1", UriKind.Relative));

        using var refused = await host.Client.DeleteAsync(new Uri("api/training-jobs/job-1", UriKind.Relative));
        string reason = await refused.Content.ReadAsStringAsync();
        await host.Get<PlantFunctions.Pipeline.Training.TrainingStarter>().StopTerminatedAsync(BatchKit.Client(host));   // what the sweep does
        var checkpoint = Assert.Single(await FilesAsync(storage, "job-1", "/checkpoint.bin"));
        await Poll.UntilAsync(async () => (await checkpoint.GetPropertiesAsync()).Value.LeaseState != Azure.Storage.Blobs.Models.LeaseState.Leased,
            BatchKit.Timeout, "the activity to stop");
        var purged = await api.PurgeTrainingJobAsync("job-1");

        Assert.Equal(System.Net.HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("has not stopped yet", reason, StringComparison.Ordinal);
        Assert.Equal(1, purged.InstancesDeleted);
        Assert.Null(await api.GetTrainingJobAsync("job-1"));
        Assert.Empty(await FilesAsync(storage, "job-1", ""));
    }

    [Fact]
    public async Task TrainingJob_DuplicateDeliveryWhileCheckpointRequestsAreCutOffLongerThanTheLease_OneTrainerAdvancesAndTheJobCompletes()
    {
        string hub = azurite.UniqueName("t");
        await using var proxy = await FaultyProxy.StartAsync(new Uri($"http://127.0.0.1:{azurite.Emulator.BlobPort}"));
        string proxied = azurite.ConnectionString.Replace($"127.0.0.1:{azurite.Emulator.BlobPort}", proxy.Address.Authority, StringComparison.Ordinal);
        var saved = new System.Collections.Concurrent.ConcurrentQueue<int>();
        // A language-model stage of 12 steps of 1.5 s in one activity; the other stages quick.
        var model = new FakeModelSettings { TrainSteps = 48, TrainStepDelay = TimeSpan.FromMilliseconds(20), LanguageModelStepDelay = TimeSpan.FromSeconds(1.5), SavedSteps = saved };
        Dictionary<string, string?> Settings(string roles)
        {
            var settings = PlantTestSettings.For(azurite, hub, roles);
            settings["AzureWebJobsStorage"] = proxied;
            settings["Plant:Training:SliceDuration"] = "00:10:00";
            settings["Plant:Training:MaxAttempts"] = "1";   // an attempt used up by the duplicate or the outage fails the job
            return settings;
        }

        await using var first = await TestPlantHost.StartAsync(Settings("api,worker"), model);
        await using var second = await TestPlantHost.StartAsync(Settings("worker"), model);
        await UploadTrainingNotesAsync(first, 20);
        var api = BatchKit.Api(first);
        await api.StartTrainingAsync(Request);
        var early = await Poll.ForAsync(() => api.GetTrainingJobAsync("job-1"), s => !saved.IsEmpty || s?.RuntimeStatus.IsTerminal() == true, BatchKit.Timeout, "the first checkpoint");
        Assert.False(saved.IsEmpty, $"the job ended before its first checkpoint: {early?.RuntimeStatus} {early?.Output}");

        // The duplicate: a copy of the TrainStage message, which the other worker takes while the first trains.
        var workItems = new Azure.Storage.Queues.QueueClient(azurite.ConnectionString, $"{hub}-workitems");
        string message = (await Poll.ForAsync(async () => (await workItems.PeekMessagesAsync(32)).Value.Select(m => m.Body.ToString())
                .FirstOrDefault(body => body.Contains("TrainStage", StringComparison.Ordinal)), body => body is not null, BatchKit.Timeout,
            "the TrainStage message to be visible (the engine renews it every 5 s; the tests' visibility timeout is 4 s)"))!;
        await workItems.SendMessageAsync(message);
        proxy.ResetFor(TimeSpan.FromSeconds(20), request => request.Path.Value!.EndsWith("/checkpoint.bin", StringComparison.Ordinal));
        var done = await api.WaitForEndAsync(new Uri("api/training-jobs/job-1", UriKind.Relative), pollInterval: TimeSpan.FromMilliseconds(300));
        var storage = first.Get<PlantStorage>();
        var versions = await api.ListModelsAsync();

        Assert.True(done.RuntimeStatus == RuntimeStatus.Completed, $"{done.RuntimeStatus}: {done.Output}");
        Assert.True(proxy.Faults > 3, $"the proxy dropped {proxy.Faults} requests");
        Assert.Equal(Enumerable.Range(1, 48), saved);   // every step saved once, in order: never two trainers at once
        var version = Assert.Single(versions.Versions);
        Assert.Equal(await HashAsync(await SingleModelFileAsync(storage, "job-1")), await HashAsync(storage.ModelFiles.GetBlobClient($"test-model/{version.Version}/model.bin")));
    }

    private static async Task<TrainingJobOutput> RunAsync(PlantFunctions.Contracts.Client.PlantApiClient api, TrainingJobRequest request)
    {
        var started = await api.StartTrainingAsync(request);
        var done = await api.WaitForEndAsync(new Uri(started.StatusQueryGetUri), pollInterval: TimeSpan.FromMilliseconds(200));
        Assert.True(done.RuntimeStatus == RuntimeStatus.Completed, $"{done.RuntimeStatus}: {done.Output}");
        return done.ReadOutput<TrainingJobOutput>()!;
    }

    /// <summary>The trained model file a job left in its folder before registration (there is one per run).</summary>
    private static async Task<BlobClient> SingleModelFileAsync(PlantStorage storage, string jobId) =>
        Assert.Single(await FilesAsync(storage, jobId, "/model.plant"));

    /// <summary>The blobs of a job's folder whose names end with <paramref name="suffix"/>.</summary>
    private static async Task<List<BlobClient>> FilesAsync(PlantStorage storage, string jobId, string suffix)
    {
        var files = new List<BlobClient>();
        await foreach (var blob in storage.Training.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, $"_jobs/{jobId}/", CancellationToken.None))
        {
            if (blob.Name.EndsWith(suffix, StringComparison.Ordinal))
            {
                files.Add(storage.Training.GetBlobClient(blob.Name));
            }
        }

        return files;
    }

    private static async Task<string> HashAsync(BlobClient blob) =>
        Convert.ToHexString(SHA256.HashData((await blob.DownloadContentAsync()).Value.Content.ToArray()));

    private static async Task UploadTrainingNotesAsync(TestPlantHost host, int count)
    {
        string notes = string.Concat(Enumerable.Range(0, count).Select(i => JsonSerializer.Serialize(new { id = $"t{i}", text = $"fever case {i}", codes = new[] { "R50.9" } }) + "\n"));
        await host.Get<PlantStorage>().Training.GetBlobClient("codiesp/train/notes.jsonl").UploadAsync(BinaryData.FromString(notes), overwrite: true);
    }
}
