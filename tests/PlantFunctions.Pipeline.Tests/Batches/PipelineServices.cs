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
    private readonly Dictionary<(string, string), string?> plans = [];

    private readonly Dictionary<string, string?> settings;

    private PipelineServices(ServiceProvider provider, Dictionary<string, string?> settings)
    {
        Provider = provider;
        this.settings = settings;
    }

    public ServiceProvider Provider { get; }

    public PlantStorage Storage => Provider.GetRequiredService<PlantStorage>();

    /// <summary>The services on a fresh task hub's containers; <paramref name="connectionString"/> replaces Azurite's (a proxy in front of it, say).</summary>
    public static async Task<PipelineServices> CreateAsync(AzuriteFixture azurite, FakeModelSettings? model = null, string? connectionString = null)
    {
        var settings = PlantTestSettings.For(azurite, azurite.UniqueName("p"), "");
        if (connectionString is not null)
        {
            settings["AzureWebJobsStorage"] = connectionString;
        }

        var provider = Build(settings, model);
        await provider.GetRequiredService<PlantStorage>().CreateIfMissingAsync();
        await provider.GetRequiredService<ModelRegistry>().RegisterAsync(PlantTestSettings.ModelName, "v1", FakeModelFile.Create(PlantTestSettings.ModelName, "v1"),
            new Dictionary<string, double>(), activate: true);
        return new PipelineServices(provider, settings);
    }

    /// <summary>
    /// The same services on the same storage, as a second worker process has them (its own model cache and inference
    /// thread): an activity held inside the coder of one does not hold up the other's.
    /// </summary>
    public PipelineServices SecondWorker(FakeModelSettings? model = null) => new(Build(settings, model), settings);

    private static ServiceProvider Build(Dictionary<string, string?> settings, FakeModelSettings? model)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddLogging().AddPlantPipeline(configuration).AddFakeModel(model ?? new FakeModelSettings()).BuildServiceProvider();
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

    /// <summary>Plans a batch run directly (and remembers the plan, for <see cref="Shard"/>).</summary>
    public async Task<BatchPlan> PlanAsync(string batchId, string runId, string prefix, int notesPerShard = 10)
    {
        var plan = await RunAsync<PlanBatchActivity, PlanRequest, BatchPlan>(new PlanRequest(batchId, runId, prefix, notesPerShard, 100_000));
        lock (plans)
        {
            plans[(batchId, runId)] = plan.PlanId;
        }

        return plan;
    }

    /// <summary>The input of one shard of a run (naming the plan <see cref="PlanAsync"/> returned for it).</summary>
    public ShardTask Shard(string batchId, string runId, int shard)
    {
        return ShardOf(plans, batchId, runId, shard);
    }

    /// <summary>The input of one shard of a run that another <see cref="PipelineServices"/> planned.</summary>
    public ShardTask ShardPlannedBy(PipelineServices planner, string batchId, string runId, int shard)
    {
        ArgumentNullException.ThrowIfNull(planner);
        return ShardOf(planner.plans, batchId, runId, shard);
    }

    private static ShardTask ShardOf(Dictionary<(string, string), string?> plans, string batchId, string runId, int shard)
    {
        lock (plans)
        {
            return new(batchId, runId, shard, PlantTestSettings.ModelName, "v1", $"{PlantTestSettings.ModelName}/v1/model.bin", 0, null,
                PlanId: plans.GetValueOrDefault((batchId, runId)));
        }
    }

    /// <summary>The JSON Lines records of a blob in the results container.</summary>
    public async Task<List<System.Text.Json.JsonElement>> RecordsAsync(string blobName)
    {
        var content = (await Storage.Results.GetBlobClient(blobName).DownloadContentAsync()).Value.Content.ToString();
        return [.. content.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => System.Text.Json.JsonDocument.Parse(line).RootElement.Clone())];
    }

    /// <summary>What a purge of a finished batch deletes besides its history: every planned input of the batch id.</summary>
    public async Task DeleteWorkAsync(string batchId)
    {
        await foreach (var blob in Storage.Results.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None,
                           BatchPaths.WorkPrefix(batchId), CancellationToken.None))
        {
            await Storage.Results.DeleteBlobIfExistsAsync(blob.Name);
        }
    }

    public ValueTask DisposeAsync() => Provider.DisposeAsync();

    private sealed class Context(string name) : TaskActivityContext
    {
        public override TaskName Name { get; } = new(name);

        public override string InstanceId { get; } = "test";
    }
}
