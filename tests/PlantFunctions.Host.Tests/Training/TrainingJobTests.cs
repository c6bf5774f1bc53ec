using System.Text.Json;
using System.Text.RegularExpressions;
using PlantFunctions.Contracts.Instances;
using PlantFunctions.Contracts.Training;
using PlantFunctions.Host.Tests.Support;
using PlantFunctions.Pipeline.Storage;
using PlantFunctions.Pipeline.Training;
using PlantFunctions.Testing;
using PlantFunctions.Testing.Fakes;
using PlantFunctions.Testing.Hosting;

namespace PlantFunctions.Host.Tests.Training;

/// <summary>Training jobs on the Durable engine, with real worker processes and the deterministic trainer double.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class TrainingJobTests(AzuriteFixture azurite)
{
    private static readonly TrainingJobRequest Request = new("codiesp/train/", Preset: "tiny", Epochs: new TrainingEpochs(1, 1, 2), Seed: 7, JobId: "job-1");

    [Fact]
    public async Task TrainingJob_WorkerKilledMidClassifier_ResumesFromTheLastCheckpointAndRegistersOneVersion()
    {
        string hub = azurite.UniqueName("t");
        // The slice length travels in the job's input, so the API host that starts the job sets it: one slice per stage.
        var apiSettings = PlantTestSettings.For(azurite, hub, "api");
        apiSettings["Plant:Training:SliceDuration"] = "00:10:00";
        await using var api = await TestPlantHost.StartAsync(apiSettings);
        await UploadTrainingNotesAsync(api);

        // The classifier stage (steps 12-15 of 16) runs in one activity: a kill inside it must not start the stage over.
        // The first worker is held after the stage's first step is checkpointed (hold-{pid}), so the kill lands there.
        string holds = Directory.CreateTempSubdirectory("plant-hold-").FullName;
        var model = new FakeModelSettings { TrainSteps = 16, TrainStepDelay = TimeSpan.FromMilliseconds(200), HoldDirectory = holds };
        var workerSettings = PlantTestSettings.For(azurite, hub, "worker");
        var first = await PlantProcess.StartAsync(workerSettings, model);
        await using var firstHandle = first;
        File.WriteAllText(Path.Combine(holds, $"hold-{first.Id}"), string.Empty);
        var started = await BatchKit.Api(api).StartTrainingAsync(Request);
        await Poll.UntilAsync(() => Task.FromResult(File.Exists(Path.Combine(holds, $"held-{first.Id}"))), BatchKit.Timeout,
            "the first worker to be held inside the classifier stage", () => first.Output);
        first.Kill();
        await using var second = await PlantProcess.StartAsync(workerSettings, model);
        var done = await BatchKit.Api(api).WaitForEndAsync(new Uri(started.StatusQueryGetUri), pollInterval: TimeSpan.FromMilliseconds(300));
        var versions = await BatchKit.Api(api).ListModelsAsync();

        Assert.Equal(RuntimeStatus.Completed, done.RuntimeStatus);
        var output = done.ReadOutput<TrainingJobOutput>()!;
        Assert.Equal("job-1", output.ModelVersion);
        double resumedAt = output.Metrics["resumedAtStep"];
        Assert.Equal(13, resumedAt);   // the redelivered activity resumed inside the classifier stage, after its first step
        Assert.Single(Regex.Matches(second.Output, "stage Classifier in process"));   // and ran the rest of it in one slice
        Assert.Contains("Training job job-1: stage Classifier", second.Output, StringComparison.Ordinal);
        var storage = api.Get<PlantStorage>();
        var trained = await FindAsync(storage, "job-1", "/model.plant");
        Assert.Equal("job-1", Assert.Single(versions.Versions).Version);   // one version in all, not one per job id
        Assert.Equal(await HashAsync(trained!), await HashAsync(storage.ModelFiles.GetBlobClient("test-model/job-1/model.bin")));   // and it is this run's model
        Assert.Equal("job-1", versions.ActiveVersion);
        Assert.True(done.ReadCustomStatus<TrainingProgressStatus>()!.ResumedFromCheckpoint);
    }

    [Fact]
    public async Task TrainingJob_Status_ShowsStageEpochLossMetricsAndTimeLeftAsItGoes()
    {
        await using var host = await TestPlantHost.StartAsync(PlantTestSettings.For(azurite, azurite.UniqueName("t"), "api,worker"),
            new FakeModelSettings { TrainSteps = 8, TrainStepDelay = TimeSpan.FromMilliseconds(300) });
        await UploadTrainingNotesAsync(host);
        var api = BatchKit.Api(host);

        var started = await api.StartTrainingAsync(Request);
        var again = await api.StartTrainingAsync(Request);
        var seen = new List<TrainingProgressStatus>();
        var done = await api.WaitForEndAsync(new Uri(started.StatusQueryGetUri), s =>
        {
            if (s.ReadCustomStatus<TrainingProgressStatus>() is { } progress)
            {
                seen.Add(progress);
            }
        }, TimeSpan.FromMilliseconds(100));

        Assert.Equal("job-1", again.Id);
        Assert.Equal(RuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal("TrainModel", done.Name);
        Assert.Contains(seen, p => p.Phase == "LanguageModel" && p.Loss is > 0 && p.Metrics!.ContainsKey("P@5") && p.EtaSeconds is > 0);
        Assert.Contains(seen, p => p.Phase == "Classifier" && p.Epoch == 1);
        Assert.Equal("Registering", seen[^1].Phase);
        Assert.Equal("tiny", JsonSerializer.Deserialize<TrainModelInput>(done.Input!.Value.GetRawText(), PlantFunctions.Contracts.PlantJson.Options)!.Request.Preset);
    }

    [Fact]
    public async Task TrainingJob_Terminated_StopsItsActivityMidStageAndRegistersNothing()
    {
        // One activity would train the whole language-model stage (20 steps of 1 s): only the stop marker ends it early.
        var settings = PlantTestSettings.For(azurite, azurite.UniqueName("t"), "api,worker");
        settings["Plant:Training:SliceDuration"] = "00:10:00";
        await using var host = await TestPlantHost.StartAsync(settings, new FakeModelSettings { TrainSteps = 80, TrainStepDelay = TimeSpan.FromSeconds(1) });
        await UploadTrainingNotesAsync(host);
        var api = BatchKit.Api(host);
        var storage = host.Get<PlantStorage>();
        await api.StartTrainingAsync(Request);
        var checkpoint = await Poll.ForAsync(() => FindAsync(storage, "job-1", "/checkpoint.bin"), b => b is not null, BatchKit.Timeout, "the job's checkpoint");
        await Poll.UntilAsync(async () => await StepAsync(checkpoint!) >= 1, BatchKit.Timeout, "the first step to be checkpointed");

        await api.TerminateTrainingJobAsync("job-1", "wrong data");
        var status = await api.WaitForEndAsync(new Uri("api/training-jobs/job-1", UriKind.Relative));
        await Poll.UntilAsync(async () => (await checkpoint!.GetPropertiesAsync()).Value.LeaseState != Azure.Storage.Blobs.Models.LeaseState.Leased,
            BatchKit.Timeout, "the training activity to let go of the checkpoint (it holds it while it trains)");
        int stoppedAt = await StepAsync(checkpoint!);
        var versions = await api.ListModelsAsync();

        Assert.Equal(RuntimeStatus.Terminated, status.RuntimeStatus);
        Assert.True(stoppedAt < 20, $"the activity trained on to step {stoppedAt} of its 20-step stage");   // it stopped mid-stage
        Assert.NotNull(await FindAsync(storage, "job-1", "/_stop"));
        Assert.Empty(versions.Versions);
    }

    /// <summary>A blob of a job's run folder whose name ends with <paramref name="suffix"/>.</summary>
    private static async Task<Azure.Storage.Blobs.BlobClient?> FindAsync(PlantStorage storage, string jobId, string suffix)
    {
        await foreach (var blob in storage.Training.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None,
                           TrainingJobPaths.Folder(jobId), CancellationToken.None))
        {
            if (blob.Name.EndsWith(suffix, StringComparison.Ordinal))
            {
                return storage.Training.GetBlobClient(blob.Name);
            }
        }

        return null;
    }

    private static async Task<string> HashAsync(Azure.Storage.Blobs.BlobClient blob) =>
        Convert.ToHexString(System.Security.Cryptography.SHA256.HashData((await blob.DownloadContentAsync()).Value.Content.ToArray()));

    /// <summary>The next step of the fake trainer's checkpoint (0 before the first save).</summary>
    private static async Task<int> StepAsync(Azure.Storage.Blobs.BlobClient checkpoint)
    {
        var content = (await checkpoint.DownloadContentAsync()).Value.Content;
        return content.ToMemory().Length == 0 ? 0 : JsonDocument.Parse(content.ToMemory()).RootElement.GetProperty("Step").GetInt32();
    }

    private static async Task UploadTrainingNotesAsync(TestPlantHost host)
    {
        string notes = string.Concat(Enumerable.Range(0, 20).Select(i => JsonSerializer.Serialize(new { id = $"t{i}", text = $"fever case {i}", codes = new[] { "R50.9" } }) + "\n"));
        await host.Get<PlantStorage>().Training.GetBlobClient("codiesp/train/notes.jsonl").UploadAsync(BinaryData.FromString(notes), overwrite: true);
    }
}
