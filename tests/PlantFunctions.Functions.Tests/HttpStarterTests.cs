using System.Net;
using System.Text.Json;
using Microsoft.DurableTask.Client;
using PlantFunctions.Functions.Http;
using PlantFunctions.Pipeline.Batches;
using PlantFunctions.Pipeline.Coding;
using PlantFunctions.Pipeline.Storage;
using PlantFunctions.Testing;
using PlantFunctions.Testing.Fakes;
using PlantFunctions.Testing.Hosting;

namespace PlantFunctions.Functions.Tests;

/// <summary>
/// The Functions app's batch HTTP functions, their bodies called as the isolated worker would call them, on the local
/// host's DTFx client (the Functions host cannot run here): the same engine calls and answers as the local host's routes.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class HttpStarterTests(AzuriteFixture azurite)
{
    private const string Base = "https://plant-func.example.org";

    [Fact]
    public async Task BatchFunctions_OnTheDtfxClient_StartFollowAndPurgeABatchAnsweringAsTheLocalHost()
    {
        await using var host = await TestPlantHost.StartAsync(PlantTestSettings.For(azurite, azurite.UniqueName("f"), "api,worker"));
        await host.Get<ModelRegistry>().RegisterAsync(PlantTestSettings.ModelName, "v1", FakeModelFile.Create(PlantTestSettings.ModelName, "v1"),
            new Dictionary<string, double>(), activate: true);
        foreach (string prefix in new[] { "f/", "local/" })
        {
            await host.Get<PlantStorage>().Notes.GetBlobClient(prefix + "a.jsonl").UploadAsync(BinaryData.FromString(TestNotes.JsonLines(12)));
        }

        var client = host.Get<DurableTaskClient>();
        var functions = new BatchHttpFunctions(host.Get<BatchStarter>());

        var start = (TestHttpResponseData)await functions.StartAsync(Request("POST", "/api/batches", "{\"prefix\": \"f/\", \"batchId\": \"f\"}"), client, CancellationToken.None);
        var done = (TestHttpResponseData)await Poll.ForAsync(() => BatchHttpFunctions.GetAsync(Request("GET", "/api/batches/f"), "f", client, CancellationToken.None),
            r => r.StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(120), "the batch started by the function to finish");
        var purge = (TestHttpResponseData)await functions.PurgeAsync(Request("DELETE", "/api/batches/f"), "f", client, CancellationToken.None);
        var empty = (TestHttpResponseData)await functions.StartAsync(Request("POST", "/api/batches", "{\"prefix\": \"nothing/\"}"), client, CancellationToken.None);
        using var local = await host.Client.PostAsync(new Uri("/api/batches", UriKind.Relative),
            new StringContent("{\"prefix\": \"local/\", \"batchId\": \"local\"}", System.Text.Encoding.UTF8, "application/json"));
        Assert.True(start.StatusCode == HttpStatusCode.Accepted, start.Text);
        var payload = JsonDocument.Parse(start.Text).RootElement;
        var localPayload = JsonDocument.Parse(await local.Content.ReadAsStringAsync()).RootElement;
        var status = JsonDocument.Parse(done.Text).RootElement;

        Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
        Assert.Equal("f", payload.GetProperty("id").GetString());
        Assert.Equal($"{Base}/runtime/webhooks/durabletask/instances/f", payload.GetProperty("statusQueryGetUri").GetString());
        Assert.Equal(payload.GetProperty("statusQueryGetUri").GetString(), start.Headers.GetValues("Location").Single());
        // The local host answers the URLs the clients use; Durable's payload also has rewindPostUri and restartPostUri.
        Assert.Subset(payload.EnumerateObject().Select(p => p.Name).ToHashSet(), localPayload.EnumerateObject().Select(p => p.Name).ToHashSet());
        Assert.Equal(("CodeBatch", "Completed", 12), (status.GetProperty("name").GetString(), status.GetProperty("runtimeStatus").GetString(),
            status.GetProperty("output").GetProperty("notesCoded").GetInt32()));
        Assert.Equal(HttpStatusCode.OK, purge.StatusCode);
        Assert.Equal(1, JsonDocument.Parse(purge.Text).RootElement.GetProperty("instancesDeleted").GetInt32());
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Contains("nothing/", JsonDocument.Parse(empty.Text).RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    private static TestHttpRequestData Request(string method, string path, string? body = null) => new(method, new Uri(Base + path), body);
}
