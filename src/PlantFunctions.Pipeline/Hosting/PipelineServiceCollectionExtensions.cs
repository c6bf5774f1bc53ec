using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using PlantFunctions.Pipeline.Batches;
using PlantFunctions.Pipeline.Coding;
using PlantFunctions.Pipeline.Configuration;
using PlantFunctions.Pipeline.Storage;
using PlantFunctions.Pipeline.Training;

namespace PlantFunctions.Pipeline.Hosting;

/// <summary>Registers what the orchestrations, activities and starters need: options, storage, the model registry and cache.</summary>
public static class PipelineServiceCollectionExtensions
{
    /// <summary>
    /// Adds everything except the model implementations (see <see cref="PlantModelRegistration.AddPlantModel"/>) and the
    /// engine (the host's). Options are validated at start and the service's containers and models table created.
    /// </summary>
    public static IServiceCollection AddPlantPipeline(this IServiceCollection services, IConfiguration configuration)
    {
        AddOptions<PlantOptions>(services, configuration, PlantOptions.SectionName);
        AddOptions<ContainerOptions>(services, configuration, ContainerOptions.SectionName);
        AddOptions<BatchOptions>(services, configuration, BatchOptions.SectionName);
        AddOptions<WorkerOptions>(services, configuration, WorkerOptions.SectionName);
        AddOptions<NoteOptions>(services, configuration, NoteOptions.SectionName);
        AddOptions<TrainingJobOptions>(services, configuration, TrainingJobOptions.SectionName);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(_ => StorageAccount.FromConfiguration(configuration));
        services.AddSingleton<PlantStorage>();
        services.AddSingleton<StorageProbe>();
        services.AddSingleton<ModelRegistry>();
        services.AddSingleton(sp => InferenceThread.ForTorchThreads(sp.GetRequiredService<IOptions<PlantOptions>>().Value.Threads));
        services.AddSingleton<CoderCache>();
        services.AddSingleton<ModelUploader>();
        services.AddSingleton<ShardCoder>();
        services.AddSingleton<BatchStarter>();
        services.AddSingleton<ReadyMarkers>();
        services.AddSingleton<TrainingStarter>();
        services.AddSingleton<TrainingDataLoader>();
        services.AddHostedService<StorageInitializer>();
        return services;
    }

    private static void AddOptions<T>(IServiceCollection services, IConfiguration configuration, string section)
        where T : class =>
        services.AddOptions<T>().Bind(configuration.GetSection(section)).ValidateDataAnnotations().ValidateOnStart();
}
