using System.Net;
using System.Text.Json;
using PlantFunctions.Pipeline.Coding;
using PlantFunctions.Pipeline.Storage;
using PlantFunctions.Testing;
using PlantFunctions.Testing.Fakes;
using PlantFunctions.Testing.Hosting;

namespace PlantFunctions.Cli.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class ServiceCommandTests(AzuriteFixture azurite)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Submit_AgainstARunningService_UploadsStartsFollowsAndPrintsTheSummary()
    {
        var settings = PlantTestSettings.For(azurite, azurite.UniqueName("t"), "api,worker", notesPerShard: 5);
        await using var host = await TestPlantHost.StartAsync(settings);
        await host.Get<ModelRegistry>().RegisterAsync(PlantTestSettings.ModelName, "v1", FakeModelFile.Create(PlantTestSettings.ModelName, "v1"), new Dictionary<string, double>());
        // The file has a wrong key; the environment variable overrides it (environment over local.settings.json).
        string folder = PlantCli.FolderWithLocalSettings(new Dictionary<string, string?>(settings) { ["Plant:Api:FunctionKeys"] = "wrong-key" });
        string notes = string.Concat(Enumerable.Range(0, 12).Select(i => JsonSerializer.Serialize(new { id = $"c{i}", text = $"cough and fever {i}" }) + "\n"));
        await File.WriteAllTextAsync(Path.Combine(folder, "notes.jsonl"), notes);

        using var cli = PlantCli.Start(folder, new Dictionary<string, string> { ["Plant__Api__FunctionKeys"] = PlantTestSettings.FunctionKey },
            "submit", "notes.jsonl", "--batch-id", "cli-1", "--api", host.BaseAddress.ToString());
        int exitCode = await cli.WaitAsync(Timeout);
        var status = await new PlantFunctions.Contracts.Client.PlantApiClient(host.Client, null).GetBatchAsync("cli-1");

        Assert.True(exitCode == 0, cli.Output);
        Assert.Contains("Completed", cli.Output, StringComparison.Ordinal);
        Assert.Contains("12 coded", cli.Output, StringComparison.Ordinal);
        Assert.Contains("/runtime/webhooks/durabletask/instances/cli-1?", cli.Output, StringComparison.Ordinal);
        Assert.Contains("code=***", cli.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(PlantTestSettings.FunctionKey, cli.Output, StringComparison.Ordinal);   // the key is never printed
        Assert.Equal(12, status!.ReadOutput<PlantFunctions.Contracts.Batches.BatchOutput>()!.NotesCoded);
        Assert.True(await host.Get<PlantStorage>().Notes.GetBlobClient("cli-1/notes.jsonl").ExistsAsync());
    }

    [Fact]
    public async Task Serve_LocalSettingsInAParentFolder_ListensOnItsLocalHttpPortWithItsKeys()
    {
        int port = PlantCli.FreePort();
        var settings = PlantTestSettings.For(azurite, azurite.UniqueName("t"), "api");
        string folder = PlantCli.FolderWithLocalSettings(settings, port);
        string child = Directory.CreateDirectory(Path.Combine(folder, "sub")).FullName;

        using var cli = PlantCli.Start(child, null, "serve");
        using var http = new HttpClient { BaseAddress = new Uri($"http://localhost:{port}") };
        await cli.WaitUntilAnswersAsync($"http://localhost:{port}/api/health", Timeout, "plant serve to answer");
        using var withKey = await http.GetAsync(new Uri($"/api/models?code={PlantTestSettings.FunctionKey}", UriKind.Relative));
        using var withoutKey = await http.GetAsync(new Uri("/api/models", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, withKey.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, withoutKey.StatusCode);
    }

    [Fact]
    public async Task Serve_WorkerRole_StartsWithThePlantModelAndIsReady()
    {
        int port = PlantCli.FreePort();
        string folder = PlantCli.FolderWithLocalSettings(PlantTestSettings.For(azurite, azurite.UniqueName("t"), "api,worker"), port);

        using var cli = PlantCli.Start(folder, null, "serve");
        await cli.WaitUntilAnswersAsync($"http://localhost:{port}/api/health/ready", Timeout, "plant serve with the worker role to report ready");

        Assert.False(cli.HasExited);
    }

    [Fact]
    public async Task InitStorage_CreatesTheTaskHubsQueuesTablesAndContainers()
    {
        string hub = azurite.UniqueName("t");
        var settings = PlantTestSettings.For(azurite, hub, "api");
        string folder = PlantCli.FolderWithLocalSettings(settings);

        using var cli = PlantCli.Start(folder, null, "init-storage");
        int exitCode = await cli.WaitAsync(Timeout);

        Assert.True(exitCode == 0, cli.Output);
        var queues = new Azure.Storage.Queues.QueueServiceClient(azurite.ConnectionString);
        Assert.True(await queues.GetQueueClient($"{hub}-workitems").ExistsAsync());
        Assert.True(await queues.GetQueueClient($"{hub}-control-00").ExistsAsync());
        Assert.True(await azurite.Account.Blobs.GetBlobContainerClient(settings["Plant:Containers:Results"]).ExistsAsync());
        string models = char.ToUpperInvariant(hub[0]) + hub[1..] + "Models";
        Assert.Contains(models, cli.Output, StringComparison.Ordinal);
        Assert.True(await TableExistsAsync(models));
        Assert.True(await TableExistsAsync($"{hub}Instances"));
    }

    private async Task<bool> TableExistsAsync(string name)
    {
        await foreach (var table in azurite.Account.Tables.QueryAsync(t => t.Name == name))
        {
            return true;
        }

        return false;
    }
}
