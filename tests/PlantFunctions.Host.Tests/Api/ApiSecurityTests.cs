using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PlantFunctions.Contracts.Batches;
using PlantFunctions.Host.Tests.Support;
using PlantFunctions.Testing;
using PlantFunctions.Testing.Fakes;
using PlantFunctions.Testing.Hosting;

namespace PlantFunctions.Host.Tests.Api;

[Collection(AzuriteCollection.Name)]
public sealed class ApiSecurityTests(AzuriteFixture azurite)
{
    public static TheoryData<string, string> ProtectedRoutes => new()
    {
        { "POST", "/api/batches" },
        { "GET", "/api/batches/b1" },
        { "POST", "/api/batches/b1/terminate" },
        { "DELETE", "/api/batches/b1" },
        { "POST", "/api/training-jobs" },
        { "GET", "/api/training-jobs/j1" },
        { "GET", "/api/models" },
        { "GET", "/api/models/test-model/versions" },
        { "POST", "/api/models/test-model/versions/v1/activate" },
        { "PUT", "/api/models/test-model/versions/v9" },
        { "GET", "/runtime/webhooks/durabletask/instances/b1" },
        { "POST", "/runtime/webhooks/durabletask/instances/b1/terminate" },
        { "DELETE", "/runtime/webhooks/durabletask/instances/b1" },
    };

    [Theory]
    [MemberData(nameof(ProtectedRoutes))]
    public async Task Route_WithoutOrWithWrongKey_Returns401WithoutDetail(string method, string path)
    {
        await using var host = await StartHostAsync();

        using var missing = await host.Anonymous.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = JsonContent.Create(new { prefix = "a/" }) });
        var wrongHeader = new HttpRequestMessage(new HttpMethod(method), path);
        wrongHeader.Headers.Add("x-functions-key", "not-the-key");
        using var wrongKeyHeader = await host.Anonymous.SendAsync(wrongHeader);
        using var wrongKeyQuery = await host.Anonymous.SendAsync(new HttpRequestMessage(new HttpMethod(method), path + "?code=not-the-key"));

        foreach (var response in new[] { missing, wrongKeyHeader, wrongKeyQuery })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Empty(await response.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task Key_InHeaderOrCodeQuery_IsAccepted()
    {
        await using var host = await StartHostAsync();

        using var byHeader = await host.Client.GetAsync(new Uri("/api/models", UriKind.Relative));
        using var byQuery = await host.Anonymous.GetAsync(new Uri($"/api/models?code={PlantTestSettings.FunctionKey}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, byHeader.StatusCode);
        Assert.Equal(HttpStatusCode.OK, byQuery.StatusCode);
    }

    [Fact]
    public async Task Health_Anonymous_SaysTheStatusOnlyAndWithAKeyTheDetails()
    {
        string hub = azurite.UniqueName("t");
        await using var host = await TestPlantHost.StartAsync(PlantTestSettings.For(azurite, hub, "api,worker"));

        string live = await host.Anonymous.GetStringAsync(new Uri("/api/health", UriKind.Relative));
        using var ready = await host.Anonymous.GetAsync(new Uri("/api/health/ready", UriKind.Relative));
        string anonymous = await ready.Content.ReadAsStringAsync();
        string detailed = await host.Client.GetStringAsync(new Uri("/api/health/ready", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("{\"status\":\"Healthy\"}", live);
        Assert.Equal("{\"status\":\"Healthy\"}", anonymous);
        Assert.Contains(hub, detailed, StringComparison.Ordinal);
        Assert.Contains("devstoreaccount1", detailed, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../other-container/", "'..'")]
    [InlineData("batch/../../escape/", "'..'")]
    [InlineData("/absolute/", "leading '/'")]
    [InlineData("a\\b/", "not allowed")]
    [InlineData("a//b/", "empty")]
    [InlineData("", "required")]
    public async Task StartBatch_PrefixOutsideTheContainer_Returns400WithReason(string prefix, string reasonPart)
    {
        await using var host = await StartHostAsync();

        using var response = await host.Client.PostAsJsonAsync("/api/batches", new { prefix });
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(reasonPart, body.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"prefix\": \"a/\", \"container\": \"models\"}", "not the notes container")]
    [InlineData("{\"prefix\": \"a/\", \"batchId\": \"../x\"}", "batch id")]
    [InlineData("{\"prefix\": \"a/\", \"modelVersion\": \"v1/../../x\"}", "model version")]
    [InlineData("{\"prefix\": \"a/\", \"minCodes\": -1}", "minCodes")]
    [InlineData("{\"prefix\": \"a/\", \"threshold\": 1.5}", "threshold")]
    [InlineData("{\"prefix\": \"a/\", \"threshold\": 0.5, \"perCodeThresholds\": true}", "exclude each other")]
    [InlineData("{\"prefix\": ", "not valid JSON")]
    public async Task StartBatch_InvalidRequest_Returns400WithReason(string json, string reasonPart)
    {
        await using var host = await StartHostAsync();

        using var response = await host.Client.PostAsync(new Uri("/api/batches", UriKind.Relative), new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(reasonPart, body.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartBatch_NoActiveModel_Returns409SayingHowToGetOne()
    {
        await using var host = await StartHostAsync();

        using var response = await host.Client.PostAsJsonAsync("/api/batches", new { prefix = "a/" });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("no active version", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartTrainingJob_TraversalInTrainingData_Returns400()
    {
        await using var host = await StartHostAsync();

        using var response = await host.Client.PostAsJsonAsync("/api/training-jobs", new { trainingData = "../notes/" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("trainingData", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartTrainingJob_BadSetting_Returns400NamingIt()
    {
        await using var host = await StartHostAsync();

        using var response = await host.Client.PostAsJsonAsync("/api/training-jobs", new { trainingData = "notes/", settings = new { ranker = "lstm" } });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("settings.ranker 'lstm' is not one of Dot, FeedForward", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GET", "/api/batches/no-such-batch")]
    [InlineData("POST", "/api/batches/no-such-batch/terminate")]
    [InlineData("DELETE", "/api/batches/no-such-batch")]
    [InlineData("GET", "/api/training-jobs/no-such-job")]
    [InlineData("POST", "/api/training-jobs/no-such-job/terminate")]
    [InlineData("POST", "/api/models/test-model/versions/no-such-version/activate")]
    [InlineData("GET", "/runtime/webhooks/durabletask/instances/no-such-instance")]
    [InlineData("POST", "/runtime/webhooks/durabletask/instances/no-such-instance/terminate")]
    public async Task UnknownId_Returns404(string method, string path)
    {
        await using var host = await StartHostAsync();

        using var response = await host.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task GetBatch_InvalidId_Returns400()
    {
        await using var host = await StartHostAsync();

        using var response = await host.Client.GetAsync(new Uri("/api/batches/bad%20id%21", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task ForwardedHeaders_FromAnUnconfiguredClient_AreIgnoredAndFromATrustedProxy_Honoured()
    {
        await using var plain = await StartHostAsync();
        await BatchKit.RegisterModelAsync(plain);
        var trustedSettings = PlantTestSettings.For(azurite, azurite.UniqueName("t"), "api");
        trustedSettings["Plant:Api:TrustedProxies"] = "127.0.0.1;::1";
        await using var trusted = await TestPlantHost.StartAsync(trustedSettings);
        await BatchKit.RegisterModelAsync(trusted);

        string ignored = await StartWithForwardedHostAsync(plain);
        string honoured = await StartWithForwardedHostAsync(trusted);

        Assert.StartsWith($"http://{plain.BaseAddress.Authority}/runtime/webhooks/durabletask/instances/fwd", ignored, StringComparison.Ordinal);
        Assert.StartsWith("https://plant.example.org/runtime/webhooks/durabletask/instances/fwd", honoured, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("bad..name", "v2", 1000, 400)]
    [InlineData(PlantTestSettings.ModelName, "v1", 1000, 409)]
    [InlineData(PlantTestSettings.ModelName, "v3", 3L * 1024 * 1024 * 1024, 413)]
    public async Task UploadModel_BadNameExistingVersionOrTooLarge_IsRefusedBeforeTheBodyIsSent(string name, string version, long length, int expected)
    {
        await using var host = await StartHostAsync();
        await BatchKit.RegisterModelAsync(host, "v1");

        // Only the headers go out, with Expect: 100-continue: the server must answer without asking for the body.
        string statusLine = await SendHeadersOnlyAsync(host.BaseAddress, $"/api/models/{name}/versions/{version}", length);

        Assert.StartsWith($"HTTP/1.1 {expected} ", statusLine, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keys_NeverAppearInTheHostsLog()
    {
        string hub = azurite.UniqueName("t");
        var settings = PlantTestSettings.For(azurite, hub, "api,worker");
        settings["Logging:LogLevel:Default"] = "Information";
        settings["Logging:LogLevel:Microsoft"] = "Information";
        settings["Logging:LogLevel:Microsoft.AspNetCore"] = "Debug";
        await using var process = await PlantProcess.StartAsync(settings, new FakeModelSettings());
        using var http = new HttpClient { BaseAddress = process.Address };

        using var byQuery = await http.GetAsync(new Uri($"/api/models?code={PlantTestSettings.FunctionKey}", UriKind.Relative));
        using var webhook = await http.GetAsync(new Uri($"/runtime/webhooks/durabletask/instances/x?taskHub={hub}&code={PlantTestSettings.FunctionKey}", UriKind.Relative));
        using var wrong = await http.GetAsync(new Uri("/api/models?code=secret-guess-123", UriKind.Relative));
        await Task.Delay(500);   // let the process flush its console

        Assert.Equal(HttpStatusCode.OK, byQuery.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, webhook.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Contains("Now listening on", process.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(PlantTestSettings.FunctionKey, process.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-guess-123", process.Output, StringComparison.Ordinal);
    }

    private static async Task<string> StartWithForwardedHostAsync(TestPlantHost host)
    {
        await BatchKit.UploadAsync(host, "fwd/", ("a.jsonl", TestNotes.JsonLines(1)));
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/batches") { Content = JsonContent.Create(new BatchStartRequest("fwd/", BatchId: "fwd")) };
        request.Headers.Add("X-Forwarded-Host", "plant.example.org");
        request.Headers.Add("X-Forwarded-Proto", "https");
        using var response = await host.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("statusQueryGetUri").GetString()!;
    }

    private static async Task<string> SendHeadersOnlyAsync(Uri address, string path, long length)
    {
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(address.Host, address.Port);
        var stream = tcp.GetStream();
        string head = $"PUT {path} HTTP/1.1\r\nHost: {address.Authority}\r\nx-functions-key: {PlantTestSettings.FunctionKey}\r\n" +
                      $"Content-Type: application/octet-stream\r\nContent-Length: {length}\r\nExpect: 100-continue\r\n\r\n";
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(head));
        using var reader = new StreamReader(stream, System.Text.Encoding.ASCII);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        return await reader.ReadLineAsync(timeout.Token) ?? "";
    }

    private async Task<TestPlantHost> StartHostAsync() =>
        await TestPlantHost.StartAsync(PlantTestSettings.For(azurite, azurite.UniqueName("t"), "api"));
}
