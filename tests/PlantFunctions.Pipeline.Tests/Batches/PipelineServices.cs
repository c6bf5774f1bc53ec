using Microsoft.DurableTask;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PlantFunctions.Contracts;
using PlantFunctions.Pipeline.Batches;
using PlantFunctions.Pipeline.Coding;
using PlantFunctions.Pipeline.Hosting;
using PlantFunctions.Pipeline.Storage;
using PlantFunctions.Testing;
using PlantFunctions.Testing.Fakes;
using PlantFunctions.Testing.Hosting;

namespace PlantFunctions.Pipeline.Tests.Batches;

/// <summary>
/// The pipeline's services for one task hub on the shared Azurite, without a host or an engine: for running single
/// activities directly, as the engine would (again and again, or at the same time, as at-least-once delivery does).
/// </summary>
internal sealed class PipelineServices : IAsyncDisposable
{
    private PipelineServices(ServiceProvider provider) => Provider = provider;

    public ServiceProvider Provider { get; }

    public PlantStorage Storage => Provider.GetRequiredService<PlantStorage>();

    public static async Task<PipelineServices> CreateAsync(AzuriteFixture azurite, FakeModelSettings? model = null)
    {
        var settings = PlantTestSettings.For(azurite, azurite.UniqueName("p"), "");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var provider = new ServiceCollection().AddLogging().AddPlantPipeline(configuration).AddFakeModel(model ?? new FakeModelSettings()).BuildServiceProvider();
        await provider.GetRequiredService<PlantStorage>().CreateIfMissingAsync();
        await provider.GetRequiredService<ModelRegistry>().RegisterAsync(PlantTestSettings.ModelName, "v1", FakeModelFile.Create(PlantTestSettings.ModelName, "v1"),
            new Dictionary<string, double>(), activate: true);
        return new PipelineServices(provider);
    }

    /// <summary>Runs an activity class as the engine would: created from the services, given a context and the input.</summary>
    public Task<TOutput> RunAsync<TActivity, TInput, TOutput>(TInput input)
        where TActivity : TaskActivity<TInput, TOutput>
    {
        using var scope = Provider.CreateScope();
        var activity = ActivatorUtilities.CreateInstance<TActivity>(scope.ServiceProvider);
        return activity.RunAsync(new Context(typeof(TActivity).Name), input);
    }

    /// <summary>Uploads note files under a prefix of the notes container.</summary>
    public async Task UploadAsync(string prefix, params (string Name, string Content)[] files)
    {
        foreach (var (name, content) in files)
        {
            await Storage.Notes.GetBlobClient(prefix + name).UploadAsync(BinaryData.FromString(content), overwrite: true);
        }
    }

    /// <summary>Plans a batch run directly.</summary>
    public Task<BatchPlan> PlanAsync(string batchId, string runId, string prefix, int notesPerShard = 10) =>
        RunAsync<PlanBatchActivity, PlanRequest, BatchPlan>(new PlanRequest(batchId, runId, prefix, notesPerShard, 100_000));

    /// <summary>The input of one shard of a run.</summary>
    public static ShardTask Shard(string batchId, string runId, int shard) =>
        new(batchId, runId, shard, PlantTestSettings.ModelName, "v1", $"{PlantTestSettings.ModelName}/v1/model.bin", 0, null);

    /// <summary>The JSON Lines records of a blob in the results container.</summary>
    public async Task<List<System.Text.Json.JsonElement>> RecordsAsync(string blobName)
    {
        var content = (await Storage.Results.GetBlobClient(blobName).DownloadContentAsync()).Value.Content.ToString();
        return [.. content.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => System.Text.Json.JsonDocument.Parse(line).RootElement.Clone())];
    }

    public ValueTask DisposeAsync() => Provider.DisposeAsync();

    private sealed class Context(string name) : TaskActivityContext
    {
        public override TaskName Name { get; } = new(name);

        public override string InstanceId { get; } = "test";
    }
}
