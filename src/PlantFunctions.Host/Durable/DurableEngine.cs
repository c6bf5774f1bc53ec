using DurableTask.AzureStorage;
using DurableTask.Core;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Converters;
using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.Options;
using PlantFunctions.Contracts;
using PlantFunctions.Pipeline;
using PlantFunctions.Pipeline.Configuration;
using PlantFunctions.Pipeline.Storage;

namespace PlantFunctions.Host.Durable;

/// <summary>
/// Puts the Durable Task engine in the local host: DTFx's Azure Storage backend for the configured task hub (the
/// layout Durable Functions uses: <c>{hub}-control-NN</c> and <c>{hub}-workitems</c> queues, <c>{hub}History</c> and
/// <c>{hub}Instances</c> tables, <c>{hub}-leases</c> blobs), the SDK client over it, and, for the worker role, the
/// pipeline's orchestrations and activities on a DTFx worker.
/// </summary>
internal static class DurableEngine
{
    /// <summary>Registers the engine; <paramref name="runTasks"/> adds the worker that runs orchestrations and activities.</summary>
    public static IServiceCollection AddDurableEngine(this IServiceCollection services, IConfiguration configuration, bool runTasks)
    {
        services.AddOptions<DurableOptions>().Bind(configuration.GetSection(DurableOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<DataConverter>(new JsonDataConverter(PlantJson.Options));
        services.AddSingleton(provider => new AzureStorageOrchestrationService(Settings(provider)));
        services.AddSingleton<IOrchestrationService>(provider => provider.GetRequiredService<AzureStorageOrchestrationService>());
        services.AddSingleton<DurableTaskClient>(provider =>
            new DtfxDurableTaskClient(provider.GetRequiredService<AzureStorageOrchestrationService>(), provider.GetRequiredService<DataConverter>()));
        services.AddHostedService<TaskHubInitializer>();
        if (runTasks)
        {
            services.AddDurableTaskWorker(builder =>
            {
                builder.AddTasks(PlantTasks.Register);
                builder.UseBuildTarget<DtfxDurableTaskWorker>();
            });
        }

        return services;
    }

    private static AzureStorageOrchestrationServiceSettings Settings(IServiceProvider provider)
    {
        var account = provider.GetRequiredService<StorageAccount>();
        var durable = provider.GetRequiredService<IOptions<DurableOptions>>().Value;
        var plant = provider.GetRequiredService<IOptions<PlantOptions>>().Value;
        var workers = provider.GetRequiredService<IOptions<WorkerOptions>>().Value;
        return new AzureStorageOrchestrationServiceSettings
        {
            StorageAccountClientProvider = account.ConnectionString is { } connection
                ? new StorageAccountClientProvider(connection)
                : new StorageAccountClientProvider(account.Blobs.Uri, account.QueueUri!, account.Tables.Uri, account.Credential!),
            TaskHubName = plant.TaskHub,
            PartitionCount = durable.PartitionCount,
            WorkItemQueueVisibilityTimeout = durable.WorkItemVisibilityTimeout,
            ControlQueueVisibilityTimeout = durable.ControlQueueVisibilityTimeout,
            LeaseInterval = durable.PartitionLeaseInterval,
            LeaseRenewInterval = durable.PartitionRenewInterval,
            LeaseAcquireInterval = durable.PartitionRenewInterval,
            MaxQueuePollingInterval = durable.MaxQueuePollingInterval,
            MaxConcurrentTaskActivityWorkItems = workers.Count,

            // Every process is a worker of its own (partitions are owned per worker id), and all belong to one app.
            WorkerId = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}",
            AppName = "plantfunctions",
            UseAppLease = false,
            ThrowExceptionOnInvalidDedupeStatus = true,
            LoggerFactory = provider.GetRequiredService<ILoggerFactory>(),
        };
    }

    /// <summary>Creates the task hub's queues, tables and containers at start when missing (before the worker starts).</summary>
    private sealed class TaskHubInitializer(AzureStorageOrchestrationService service) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => service.CreateIfNotExistsAsync();

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
