using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PlantFunctions.Testing;
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
    public async Task Health_WithoutKey_ReportsLivenessAndReadiness()
    {
        await using var host = await StartHostAsync();

        using var live = await host.Anonymous.GetAsync(new Uri("/api/health", UriKind.Relative));
        using var ready = await host.Anonymous.GetAsync(new Uri("/api/health/ready", UriKind.Relative));
        var readiness = JsonDocument.Parse(await ready.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", readiness.GetProperty("checks").GetProperty("storage").GetProperty("status").GetString());
        Assert.Equal("Healthy", readiness.GetProperty("checks").GetProperty("model").GetProperty("status").GetString());
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
    [InlineData("{\"prefix\": ", "not valid JSON")]
    public async Task StartBatch_InvalidNames_Returns400WithReason(string json, string reasonPart)
    {
        await using var host = await StartHostAsync();

        using var response = await host.Client.PostAsync(new Uri("/api/batches", UriKind.Relative), new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(reasonPart, body.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartTrainingJob_TraversalInTrainingData_Returns400()
    {
        await using var host = await StartHostAsync();

        using var response = await host.Client.PostAsJsonAsync("/api/training-jobs", new { trainingData = "../notes/" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("trainingData", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GET", "/api/batches/no-such-batch")]
    [InlineData("POST", "/api/batches/no-such-batch/terminate")]
    [InlineData("DELETE", "/api/batches/no-such-batch")]
    [InlineData("GET", "/api/training-jobs/no-such-job")]
    [InlineData("POST", "/api/training-jobs/no-such-job/terminate")]
    [InlineData("POST", "/api/models/test-model/versions/no-such-version/activate")]
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

    private async Task<TestPlantHost> StartHostAsync() =>
        await TestPlantHost.StartAsync(PlantTestSettings.For(azurite, azurite.UniqueName("t"), "api"));
}
