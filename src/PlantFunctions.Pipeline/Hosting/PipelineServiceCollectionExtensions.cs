using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PlantFunctions.Pipeline.Batches;
using PlantFunctions.Pipeline.Coding;
using PlantFunctions.Pipeline.Configuration;
using PlantFunctions.Pipeline.Storage;
using PlantFunctions.Pipeline.Training;

namespace PlantFunctions.Pipeline.Hosting;

/// <summary>Registers the batch-coding pipeline: options, storage, services and the role loops.</summary>
public static class PipelineServiceCollectionExtensions
{
    /// <summary>
    /// Adds everything except the model implementations (see <see cref="PlantModelRegistration.AddPlantModel"/>).
    /// Every loop is registered; each runs only when <c>Plant:Roles</c> names its role. At start, in order: options
    /// are validated, the model registration is checked against the roles, and the task hub's storage is created.
    /// </summary>
    public static IServiceCollection AddPlantPipeline(this IServiceCollection services, IConfiguration configuration)
    {
        AddOptions<PlantOptions>(services, configuration, PlantOptions.SectionName);
        AddOptions<ContainerOptions>(services, configuration, ContainerOptions.SectionName);
        AddOptions<BatchOptions>(services, configuration, BatchOptions.SectionName);
        AddOptions<WorkerOptions>(services, configuration, WorkerOptions.SectionName);
        AddOptions<NoteOptions>(services, configuration, NoteOptions.SectionName);
        AddOptions<TrainerOptions>(services, configuration, TrainerOptions.SectionName);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(_ => StorageAccount.FromConfiguration(configuration));
        services.AddSingleton<TaskHub>();
        services.AddSingleton(sp => new BatchStore(sp.GetRequiredService<TaskHub>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<ModelRegistry>();
        services.AddSingleton(sp => InferenceThread.ForTorchThreads(sp.GetRequiredService<IOptions<PlantOptions>>().Value.Threads));
        services.AddSingleton<CoderCache>();
        services.AddSingleton<ModelUploader>();
        services.AddSingleton(sp => new BatchService(sp.GetRequiredService<TaskHub>(), sp.GetRequiredService<BatchStore>(), sp.GetRequiredService<ModelRegistry>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IOptions<PlantOptions>>(), sp.GetRequiredService<IOptions<BatchOptions>>(),
            sp.GetRequiredService<IOptions<NoteOptions>>()));
        services.AddSingleton(sp => new BatchFinisher(sp.GetRequiredService<TaskHub>(), sp.GetRequiredService<BatchStore>(), sp.GetRequiredService<ILogger<BatchFinisher>>()));
        services.AddSingleton<BatchPlanner>();
        services.AddSingleton<ShardProcessor>();
        services.AddSingleton<TrainingJobService>();
        services.AddSingleton<TrainingDataLoader>();

        services.AddHostedService<ModelRegistrationCheck>();
        services.AddHostedService<StorageInitializer>();
        services.AddHostedService<ControlQueueWorker>();
        services.AddHostedService<BatchSweeper>();
        services.AddHostedService<ReadyMarkerWatcher>();
        services.AddHostedService<WorkItemWorker>();
        services.AddHostedService<TrainingWorker>();
        return services;
    }

    private static void AddOptions<T>(IServiceCollection services, IConfiguration configuration, string section)
        where T : class =>
        services.AddOptions<T>().Bind(configuration.GetSection(section)).ValidateDataAnnotations().ValidateOnStart();
}
