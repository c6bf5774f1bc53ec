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
        Assert.Single(versions.Versions, v => v.TrainingJobId == "job-1");
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
    public async Task TrainingJob_Terminated_StopsItsActivityAndRegistersNothing()
    {
        await using var host = await TestPlantHost.StartAsync(PlantTestSettings.For(azurite, azurite.UniqueName("t"), "api,worker"),
            new FakeModelSettings { TrainSteps = 8, TrainStepDelay = TimeSpan.FromSeconds(3) });
        await UploadTrainingNotesAsync(host);
        var api = BatchKit.Api(host);
        await api.StartTrainingAsync(Request);
        await Poll.UntilAsync(async () => (await api.GetTrainingJobAsync("job-1"))?.RuntimeStatus == RuntimeStatus.Running, BatchKit.Timeout, "the job to run");

        await api.TerminateTrainingJobAsync("job-1", "wrong data");
        var status = await api.WaitForEndAsync(new Uri("api/training-jobs/job-1", UriKind.Relative));
        bool stopped = (await host.Get<PlantStorage>().Training.GetBlobClient(TrainingJobPaths.StopMarker("job-1")).ExistsAsync()).Value;
        var versions = await api.ListModelsAsync();

        Assert.Equal(RuntimeStatus.Terminated, status.RuntimeStatus);
        Assert.True(stopped);
        Assert.Empty(versions.Versions);
    }

    private static async Task UploadTrainingNotesAsync(TestPlantHost host)
    {
        string notes = string.Concat(Enumerable.Range(0, 20).Select(i => JsonSerializer.Serialize(new { id = $"t{i}", text = $"fever case {i}", codes = new[] { "R50.9" } }) + "\n"));
        await host.Get<PlantStorage>().Training.GetBlobClient("codiesp/train/notes.jsonl").UploadAsync(BinaryData.FromString(notes), overwrite: true);
    }
}
