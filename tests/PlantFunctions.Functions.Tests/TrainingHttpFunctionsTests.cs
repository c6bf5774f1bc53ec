using System.Net;
using System.Text.Json;
using Microsoft.DurableTask.Client;
using PlantFunctions.Contracts;
using PlantFunctions.Contracts.Instances;
using PlantFunctions.Contracts.Training;
using PlantFunctions.Functions.Http;
using PlantFunctions.Functions.Tests.Support;
using PlantFunctions.Pipeline.Storage;
using PlantFunctions.Pipeline.Training;
using PlantFunctions.Testing;
using PlantFunctions.Testing.Hosting;

namespace PlantFunctions.Functions.Tests;

/// <summary>
/// The Functions app's training-job routes, their function bodies run against the Durable client the local host uses
/// (DTFx over Azurite) and the engine running the job: start (202 with Durable's check-status payload, idempotent),
/// status, terminate, purge answer as the local host's routes do.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class TrainingHttpFunctionsTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task TrainingRoutes_FunctionBodiesOnTheDurableClient_StartFollowRefuseAndPurgeAJob()
    {
        await using var host = await TestPlantHost.StartAsync(PlantTestSettings.For(azurite, azurite.UniqueName("f"), "api,worker"));
        string notes = string.Concat(Enumerable.Range(0, 12).Select(i => JsonSerializer.Serialize(new { id = $"t{i}", text = $"fever {i}", codes = new[] { "R50.9" } }) + "\n"));
        await host.Get<PlantStorage>().Training.GetBlobClient("train/notes.jsonl").UploadAsync(BinaryData.FromString(notes), overwrite: true);
        var functions = new TrainingHttpFunctions(host.Get<TrainingStarter>());
        var client = host.Get<DurableTaskClient>();
        var context = new TestFunctionContext();
        TestHttpRequest Request(string method, string path, string? body = null) => new(context, method, new Uri($"https://plant.example/api/{path}"), body);
        const string body = """{"trainingData": "train/", "preset": "tiny", "epochs": {"languageModel": 1, "ranker": 1, "classifier": 1}, "jobId": "fjob"}""";

        var started = (TestHttpResponse)await functions.StartAsync(Request("POST", "training-jobs", body), client, CancellationToken.None);
        var again = (TestHttpResponse)await functions.StartAsync(Request("POST", "training-jobs", body), client, CancellationToken.None);
        var invalid = (TestHttpResponse)await functions.StartAsync(Request("POST", "training-jobs", """{"trainingData": "train/", "preset": "huge"}"""), client, CancellationToken.None);
        var payload = JsonSerializer.Deserialize<CheckStatusPayload>(started.Text(), PlantJson.Options)!;
        var finished = await Poll.ForAsync(async () => (TestHttpResponse)await TrainingHttpFunctions.GetAsync(Request("GET", "training-jobs/fjob"), "fjob", client, CancellationToken.None),
            r => r.StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(120), "the job to finish");
        var status = JsonSerializer.Deserialize<InstanceStatus>(finished.Text(), PlantJson.Options)!;
        var terminateFinished = (TestHttpResponse)await functions.TerminateAsync(Request("POST", "training-jobs/fjob/terminate"), "fjob", client, CancellationToken.None);
        var purged = (TestHttpResponse)await functions.PurgeAsync(Request("DELETE", "training-jobs/fjob"), "fjob", client, CancellationToken.None);
        var gone = (TestHttpResponse)await TrainingHttpFunctions.GetAsync(Request("GET", "training-jobs/fjob"), "fjob", client, CancellationToken.None);

        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        Assert.Equal("fjob", payload.Id);
        Assert.StartsWith("https://plant.example/runtime/webhooks/durabletask/instances/fjob", payload.StatusQueryGetUri, StringComparison.Ordinal);
        Assert.Equal(payload.StatusQueryGetUri, started.Headers.GetValues("Location").Single());
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        Assert.Equal("fjob", JsonSerializer.Deserialize<CheckStatusPayload>(again.Text(), PlantJson.Options)!.Id);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.StartsWith("preset 'huge'", JsonSerializer.Deserialize<ErrorResponse>(invalid.Text(), PlantJson.Options)!.Error, StringComparison.Ordinal);
        Assert.Equal(RuntimeStatus.Completed, status.RuntimeStatus);
        Assert.Equal("fjob", status.ReadOutput<TrainingJobOutput>()!.ModelVersion);
        Assert.Equal(HttpStatusCode.Gone, terminateFinished.StatusCode);
        Assert.Equal(HttpStatusCode.OK, purged.StatusCode);
        Assert.Equal(1, JsonSerializer.Deserialize<PurgeResponse>(purged.Text(), PlantJson.Options)!.InstancesDeleted);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }
}
