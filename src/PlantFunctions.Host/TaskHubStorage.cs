using DurableTask.AzureStorage;
using PlantFunctions.Host.Durable;
using PlantFunctions.Pipeline.Hosting;
using PlantFunctions.Pipeline.Storage;

namespace PlantFunctions.Host;

/// <summary>Creates everything a task hub needs on the configured account, ahead of time (<c>plant init-storage</c>); the host does the same when it starts.</summary>
public static class TaskHubStorage
{
    /// <summary>
    /// Creates the engine's queues, tables and lease containers for <c>Plant:TaskHub</c> and the service's containers
    /// and models table; returns the service's storage (for the names).
    /// </summary>
    public static async Task<PlantStorage> CreateAsync(IConfiguration configuration, CancellationToken cancellationToken = default)
    {
        var services = new ServiceCollection().AddLogging();
        services.AddPlantPipeline(configuration);
        services.AddDurableEngine(configuration, runTasks: false);
        await using var provider = services.BuildServiceProvider();
        var storage = provider.GetRequiredService<PlantStorage>();
        await storage.CreateIfMissingAsync(cancellationToken).ConfigureAwait(false);
        await provider.GetRequiredService<AzureStorageOrchestrationService>().CreateIfNotExistsAsync().ConfigureAwait(false);
        return storage;
    }
}
