using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PlantFunctions.Host.Tests.Support;
using PlantFunctions.Pipeline.Storage;
using PlantFunctions.Testing;
using PlantFunctions.Testing.Hosting;

namespace PlantFunctions.Host.Tests.Api;

[Collection(AzuriteCollection.Name)]
public sealed class BatchApiTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task StartBatch_Accepted_ReturnsDurableUrlsThatReportThenPurge()
    {
        await using var host = await TestPlantHost.StartAsync(PlantTestSettings.For(azurite, azurite.UniqueName("t"), "api,worker"));
        await BatchKit.RegisterModelAsync(host);
        await BatchKit.UploadAsync(host, "day-1/", ("notes.jsonl", TestNotes.JsonLines(25)));

        using var response = await host.Client.PostAsJsonAsync("/api/batches", new { prefix = "day-1/", batchId = "day-1" });
        var created = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        string statusUri = created.GetProperty("statusQueryGetUri").GetString()!;

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("day-1", created.GetProperty("id").GetString());
        Assert.Equal(new Uri(statusUri), response.Headers.Location);
        foreach (string name in new[] { "statusQueryGetUri", "terminatePostUri", "purgeHistoryDeleteUri" })
        {
            Assert.Contains($"code={PlantTestSettings.FunctionKey}", created.GetProperty(name).GetString(), StringComparison.Ordinal);
        }

        var done = await Poll.ForAsync(async () =>
        {
            using var status = await host.Anonymous.GetAsync(new Uri(statusUri));
            Assert.True(status.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.OK);
            var body = JsonDocument.Parse(await status.Content.ReadAsStringAsync()).RootElement.Clone();
            Assert.Equal(body.GetProperty("runtimeStatus").GetString() is "Completed" or "Failed" or "Terminated" ? HttpStatusCode.OK : HttpStatusCode.Accepted, status.StatusCode);
            return body;
        }, s => s.GetProperty("runtimeStatus").GetString() == "Completed", BatchKit.Timeout, "the batch to complete");

        Assert.Equal("CodeBatch", done.GetProperty("name").GetString());
        Assert.Equal("day-1", done.GetProperty("instanceId").GetString());
        Assert.Equal("day-1/", done.GetProperty("input").GetProperty("prefix").GetString());
        Assert.Equal(25, done.GetProperty("customStatus").GetProperty("notes").GetProperty("coded").GetInt32());
        Assert.Equal(3, done.GetProperty("customStatus").GetProperty("shards").GetProperty("completed").GetInt32());
        Assert.Equal("day-1/summary.json", done.GetProperty("output").GetProperty("summary").GetString());
        Assert.True(done.GetProperty("lastUpdatedTime").GetDateTimeOffset() >= done.GetProperty("createdTime").GetDateTimeOffset());

        using var purge = await host.Anonymous.DeleteAsync(new Uri(created.GetProperty("purgeHistoryDeleteUri").GetString()!));
        using var afterPurge = await host.Anonymous.GetAsync(new Uri(statusUri));
        Assert.Equal(HttpStatusCode.OK, purge.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, afterPurge.StatusCode);
        Assert.True(await host.Get<TaskHub>().Results.GetBlobClient("day-1/summary.json").ExistsAsync(), "purge keeps the results");
    }

    [Fact]
    public async Task StartBatch_SameIdAndPrefixAgain_ReturnsTheSameBatch_OtherPrefixConflicts()
    {
        await using var host = await TestPlantHost.StartAsync(PlantTestSettings.For(azurite, azurite.UniqueName("t"), "api"));
        await BatchKit.RegisterModelAsync(host);

        var first = await BatchKit.StartAsync(host, new { prefix = "x/", batchId = "same" });
        var second = await BatchKit.StartAsync(host, new { prefix = "x", batchId = "same" });
        using var conflict = await host.Client.PostAsJsonAsync("/api/batches", new { prefix = "y/", batchId = "same" });

        Assert.Equal(first.GetProperty("statusQueryGetUri").GetString(), second.GetProperty("statusQueryGetUri").GetString());
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
    }

    [Fact]
    public async Task StartBatch_NoActiveModel_Returns409WithReason()
    {
        await using var host = await TestPlantHost.StartAsync(PlantTestSettings.For(azurite, azurite.UniqueName("t"), "api"));

        using var response = await host.Client.PostAsJsonAsync("/api/batches", new { prefix = "a/" });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("no active version", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Models_ListThenActivate_SwitchesTheActiveVersion()
    {
        await using var host = await TestPlantHost.StartAsync(PlantTestSettings.For(azurite, azurite.UniqueName("t"), "api"));
        await BatchKit.RegisterModelAsync(host, "v1");
        await host.Get<PlantFunctions.Pipeline.Coding.ModelRegistry>().RegisterAsync(PlantTestSettings.ModelName, "v2",
            PlantFunctions.Testing.Fakes.FakeModelFile.Create(PlantTestSettings.ModelName, "v2"), new Dictionary<string, double>());

        var before = JsonDocument.Parse(await host.Client.GetStringAsync(new Uri("/api/models", UriKind.Relative))).RootElement;
        using var activate = await host.Client.PostAsync(new Uri($"/api/models/{PlantTestSettings.ModelName}/versions/v2/activate", UriKind.Relative), null);
        var after = JsonDocument.Parse(await host.Client.GetStringAsync(new Uri($"/api/models/{PlantTestSettings.ModelName}/versions", UriKind.Relative))).RootElement;

        Assert.Equal("v1", before.GetProperty("activeVersion").GetString());
        Assert.Equal(2, before.GetProperty("versions").GetArrayLength());
        Assert.Equal(HttpStatusCode.OK, activate.StatusCode);
        Assert.Equal("v2", after.GetProperty("activeVersion").GetString());
    }
}
