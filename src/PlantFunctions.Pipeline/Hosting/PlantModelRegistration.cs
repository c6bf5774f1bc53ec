using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PlantFunctions.Model.Coding;
using PlantFunctions.Model.Runtime;
using PlantFunctions.Model.Training;
using PlantFunctions.Pipeline.Configuration;

namespace PlantFunctions.Pipeline.Hosting;

/// <summary>
/// THE place where the production host and <c>plant serve</c> get the model: the PLANT
/// <see cref="PlantFunctions.Model.Coding.INoteCoderLoader"/> (workers) and
/// <see cref="PlantFunctions.Model.Training.IModelTrainer"/> (trainers), both on the device named by
/// <c>Plant:Device</c>. A host composed without this call (tests with doubles) fails the activities that need a model
/// with <see cref="MissingLoaderMessage"/> or <see cref="MissingTrainerMessage"/>: no stand-in model is ever served.
/// </summary>
public static class PlantModelRegistration
{
    /// <summary>Why a worker cannot start without a loader.</summary>
    public const string MissingLoaderMessage =
        "No INoteCoderLoader is registered, so this process cannot code notes. " +
        "The PLANT model is registered in PlantModelRegistration.AddPlantModel (src/PlantFunctions.Pipeline/Hosting/PlantModelRegistration.cs); " +
        "a host that runs activities must call it.";

    /// <summary>Why a trainer cannot start without a model trainer.</summary>
    public const string MissingTrainerMessage =
        "No IModelTrainer is registered, so this process cannot train models. " +
        "The PLANT trainer is registered in PlantModelRegistration.AddPlantModel (src/PlantFunctions.Pipeline/Hosting/PlantModelRegistration.cs); " +
        "a host that runs activities must call it.";

    /// <summary>Registers the PLANT coder loader and trainer.</summary>
    public static IServiceCollection AddPlantModel(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton<INoteCoderLoader>(provider => new PlantCoderLoader(
            provider.GetRequiredService<IOptions<PlantOptions>>().Value.Device, ModelLogger(provider)));
        services.AddSingleton<IModelTrainer>(provider => new PlantTrainer(
            TorchDevices.Resolve(provider.GetRequiredService<IOptions<PlantOptions>>().Value.Device, ModelLogger(provider)),
            provider.GetService<TimeProvider>() ?? TimeProvider.System));
        return services;
    }

    private static ILogger ModelLogger(IServiceProvider provider) =>
        provider.GetRequiredService<ILoggerFactory>().CreateLogger("PlantFunctions.Model");
}
