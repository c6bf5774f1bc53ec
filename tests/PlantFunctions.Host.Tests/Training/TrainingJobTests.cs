using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PlantFunctions.Host.Tests.Support;
using PlantFunctions.Pipeline.Storage;
using PlantFunctions.Testing;
using PlantFunctions.Testing.Fakes;
using PlantFunctions.Testing.Hosting;

namespace PlantFunctions.Host.Tests.Training;

[Collection(AzuriteCollection.Name)]
public sealed class TrainingJobTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task TrainingJob_TrainerKilledMidRun_ResumesFromItsCheckpointAndRegistersTheModel()
    {
        string hub = azurite.UniqueName("t");
        await using var api = await TestPlantHost.StartAsync(PlantTestSettings.For(azurite, hub, "api"));
        var model = new FakeModelSettings { TrainSteps = 24, TrainStepDelay = TimeSpan.FromMilliseconds(250) };
        var trainerSettings = PlantTestSettings.For(azurite, hub, "trainer");
        var training = api.Get<TaskHub>().Training;
        string notes = string.Concat(Enumerable.Range(0, 20).Select(i => JsonSerializer.Serialize(new { id = $"t{i}", text = $"fever case {i}", codes = new[] { "R50.9" } }) + "\n"));
        await training.GetBlobClient("codiesp/train/notes.jsonl").UploadAsync(BinaryData.FromString(notes));
        await using var first = await PlantProcess.StartAsync(trainerSettings, model);

        using var response = await api.Client.PostAsJsonAsync("/api/training-jobs", new
        {
            trainingData = "codiesp/train/",
            preset = "tiny",
            epochs = new { languageModel = 1, ranker = 1, classifier = 2 },
            ablations = new { inattention = false },
            seed = 7,
        });
        var created = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        string statusUri = created.GetProperty("statusQueryGetUri").GetString()!;
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);

        var midway = await Poll.ForAsync(() => ReadAsync(api, statusUri), s => s.GetProperty("customStatus").GetProperty("step").GetInt32() >= 4,
            BatchKit.Timeout, "the trainer to get past step 4", () => first.Output);
        first.Kill();
        await using var second = await PlantProcess.StartAsync(trainerSettings, model);
        var done = await Poll.ForAsync(() => ReadAsync(api, statusUri), s => s.GetProperty("runtimeStatus").GetString() is "Completed" or "Failed",
            BatchKit.Timeout, "the training job to finish", () => second.Output);
        var models = JsonDocument.Parse(await api.Client.GetStringAsync(new Uri("/api/models", UriKind.Relative))).RootElement;

        Assert.Equal("TrainModel", done.GetProperty("name").GetString());
        Assert.Equal("Completed", done.GetProperty("runtimeStatus").GetString());
        Assert.True(done.GetProperty("customStatus").GetProperty("resumedFromCheckpoint").GetBoolean());
        Assert.Equal(2, done.GetProperty("customStatus").GetProperty("attempts").GetInt32());
        Assert.Equal("tiny", done.GetProperty("input").GetProperty("preset").GetString());
        var output = done.GetProperty("output").GetProperty("model");
        Assert.True(output.GetProperty("metrics").GetProperty("resumedAtStep").GetDouble() >= midway.GetProperty("customStatus").GetProperty("step").GetInt32());
        Assert.Equal("fake-7-20", output.GetProperty("modelVersion").GetString());
        Assert.Equal("fake-7-20", models.GetProperty("activeVersion").GetString());
        Assert.True(await api.Get<TaskHub>().ModelFiles.GetBlobClient($"{PlantTestSettings.ModelName}/fake-7-20/model.bin").ExistsAsync());
    }

    [Fact]
    public async Task TrainingJob_EventDrivenTrainer_IsSignalledRunsTheJobClearsTheSignalAndExits()
    {
        string hub = azurite.UniqueName("t");
        await using var api = await TestPlantHost.StartAsync(PlantTestSettings.For(azurite, hub, "api"));
        var signals = api.Get<TaskHub>().TrainingSignals;
        string notes = string.Concat(Enumerable.Range(0, 10).Select(i => JsonSerializer.Serialize(new { id = $"t{i}", text = $"fever case {i}", codes = new[] { "R50.9" } }) + "\n"));
        await api.Get<TaskHub>().Training.GetBlobClient("data/notes.jsonl").UploadAsync(BinaryData.FromString(notes));

        using var response = await api.Client.PostAsJsonAsync("/api/training-jobs", new { trainingData = "data/", preset = "tiny", seed = 3 });
        string statusUri = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("statusQueryGetUri").GetString()!;
        var signalled = (await signals.PeekMessagesAsync(10)).Value;
        // What the Container Apps job does when its queue rule fires: a trainer that exits once no job is left.
        var trainerSettings = PlantTestSettings.For(azurite, hub, "trainer");
        trainerSettings["Plant:Training:ExitWhenIdle"] = "true";
        await using var trainer = await PlantProcess.StartAsync(trainerSettings, new FakeModelSettings { TrainSteps = 8, TrainStepDelay = TimeSpan.FromMilliseconds(150) });
        await Poll.UntilAsync(() => Task.FromResult(trainer.HasExited), BatchKit.Timeout, "the trainer to exit when idle", () => trainer.Output);
        var done = await ReadAsync(api, statusUri);

        Assert.Single(signalled);
        Assert.Equal("Completed", done.GetProperty("runtimeStatus").GetString());
        Assert.Empty((await signals.PeekMessagesAsync(10)).Value);
    }

    private static async Task<JsonElement> ReadAsync(TestPlantHost api, string statusUri)
    {
        using var response = await api.Anonymous.GetAsync(new Uri(statusUri));
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }
}
