using System.Net;
using System.Text.Json;
using PlantFunctions.Contracts.Batches;
using PlantFunctions.Contracts.Instances;
using PlantFunctions.Host.Tests.Support;
using PlantFunctions.Testing;
using PlantFunctions.Testing.Hosting;

namespace PlantFunctions.Host.Tests.Api;

/// <summary>The HTTP conventions of Durable Functions, as a client of either host meets them.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class BatchApiTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task StartBatch_AnswersLikeCreateCheckStatusResponse_AndItsUrlsWork()
    {
        string hub = azurite.UniqueName("t");
        await using var host = await TestPlantHost.StartAsync(PlantTestSettings.For(azurite, hub, "api,worker"));
        await BatchKit.RegisterModelAsync(host);
        await BatchKit.UploadAsync(host, "urls/", ("a.jsonl", TestNotes.JsonLines(5)));

        using var start = await host.Client.PostAsync(new Uri("/api/batches", UriKind.Relative),
            new StringContent("{\"prefix\": \"urls/\", \"batchId\": \"urls\"}", System.Text.Encoding.UTF8, "application/json"));
        var payload = JsonDocument.Parse(await start.Content.ReadAsStringAsync()).RootElement;
        string status = payload.GetProperty("statusQueryGetUri").GetString()!;
        var statusWhileRunning = await host.Anonymous.GetAsync(new Uri(status));
        var finished = await Poll.ForAsync(() => host.Anonymous.GetAsync(new Uri(status)), r => r.StatusCode == HttpStatusCode.OK, BatchKit.Timeout, "the status URL to say 200");
        var body = JsonDocument.Parse(await finished.Content.ReadAsStringAsync()).RootElement;
        using var purgeWhileNotFinished = await host.Anonymous.DeleteAsync(new Uri(payload.GetProperty("purgeHistoryDeleteUri").GetString()!.Replace("urls?", "nothing?", StringComparison.Ordinal)));
        using var purge = await host.Anonymous.DeleteAsync(new Uri(payload.GetProperty("purgeHistoryDeleteUri").GetString()!));
        using var gone = await host.Anonymous.GetAsync(new Uri(status));

        Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
        Assert.Equal(status, start.Headers.Location!.ToString());
        Assert.Equal("urls", payload.GetProperty("id").GetString());
        string instance = $"{host.BaseAddress.ToString().TrimEnd('/')}/runtime/webhooks/durabletask/instances/urls";
        string query = $"taskHub={hub}&connection=Storage&code={PlantTestSettings.FunctionKey}";
        Assert.Equal($"{instance}?{query}", status);
        Assert.Equal($"{instance}/raiseEvent/{{eventName}}?{query}", payload.GetProperty("sendEventPostUri").GetString());
        Assert.Equal($"{instance}/terminate?reason={{text}}&{query}", payload.GetProperty("terminatePostUri").GetString());
        Assert.True(statusWhileRunning.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.OK);
        Assert.Equal("CodeBatch", body.GetProperty("name").GetString());
        Assert.Equal("Completed", body.GetProperty("runtimeStatus").GetString());
        Assert.Equal("urls/", body.GetProperty("input").GetProperty("prefix").GetString());
        Assert.Equal(5, body.GetProperty("output").GetProperty("notesCoded").GetInt32());
        Assert.Equal(HttpStatusCode.NotFound, purgeWhileNotFinished.StatusCode);
        Assert.Equal(HttpStatusCode.OK, purge.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task StartBatch_PrefixWithoutNoteFiles_Returns400NamingThePrefix()
    {
        await using var host = await TestPlantHost.StartAsync(PlantTestSettings.For(azurite, azurite.UniqueName("t"), "api,worker"));
        await BatchKit.RegisterModelAsync(host);
        await BatchKit.UploadAsync(host, "empty/", ("readme.md", "no notes here"));

        using var response = await host.Client.PostAsync(new Uri("/api/batches", UriKind.Relative),
            new StringContent("{\"prefix\": \"empty/\", \"batchId\": \"empty\"}", System.Text.Encoding.UTF8, "application/json"));
        string error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString()!;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("no note files", error, StringComparison.Ordinal);
        Assert.Contains("empty/", error, StringComparison.Ordinal);
        Assert.Null(await BatchKit.Api(host).GetBatchAsync("empty"));
    }

    [Fact]
    public async Task PurgeAndTerminate_OnTheWrongState_Are409And410()
    {
        await using var host = await TestPlantHost.StartAsync(PlantTestSettings.For(azurite, azurite.UniqueName("t"), "api,worker", notesPerShard: 5),
            new PlantFunctions.Testing.Fakes.FakeModelSettings { DelayPerNote = TimeSpan.FromMilliseconds(100) });
        await BatchKit.RegisterModelAsync(host);
        await BatchKit.UploadAsync(host, "w/", ("a.jsonl", TestNotes.JsonLines(100)));
        await BatchKit.StartAsync(host, new BatchStartRequest("w/", BatchId: "waiting"));
        var api = BatchKit.Api(host);
        await Poll.UntilAsync(async () => (await api.GetBatchAsync("waiting"))?.RuntimeStatus == RuntimeStatus.Running, BatchKit.Timeout, "the batch to run");

        using var purgeRunning = await host.Client.DeleteAsync(new Uri("/api/batches/waiting", UriKind.Relative));
        await api.TerminateBatchAsync("waiting", "no worker");
        var terminated = await Poll.ForAsync(() => api.GetBatchAsync("waiting"), s => s?.RuntimeStatus == RuntimeStatus.Terminated, BatchKit.Timeout, "the batch to be terminated");
        using var terminateAgain = await host.Client.PostAsync(new Uri("/api/batches/waiting/terminate", UriKind.Relative), null);

        Assert.Equal(HttpStatusCode.Conflict, purgeRunning.StatusCode);
        Assert.Equal(RuntimeStatus.Terminated, terminated!.RuntimeStatus);
        Assert.Equal(HttpStatusCode.Gone, terminateAgain.StatusCode);
    }
}
