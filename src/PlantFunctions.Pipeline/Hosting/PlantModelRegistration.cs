using Microsoft.Extensions.DependencyInjection;

namespace PlantFunctions.Pipeline.Hosting;

/// <summary>
/// THE place where the production host and <c>plant serve</c> get the model: the PLANT
/// <see cref="PlantFunctions.Model.Coding.INoteCoderLoader"/> (workers) and
/// <see cref="PlantFunctions.Model.Training.IModelTrainer"/> (trainers). Until the model layer provides them this
/// registers nothing, and a process whose roles need them refuses to start with <see cref="MissingLoaderMessage"/> or
/// <see cref="MissingTrainerMessage"/>: no stand-in model is ever served.
/// </summary>
public static class PlantModelRegistration
{
    /// <summary>Why a worker cannot start without a loader.</summary>
    public const string MissingLoaderMessage =
        "No INoteCoderLoader is registered, so this process cannot code notes (Plant:Roles includes 'worker'). " +
        "The PLANT model is registered in PlantModelRegistration.AddPlantModel (src/PlantFunctions.Pipeline/Hosting/PlantModelRegistration.cs); " +
        "until the model layer provides it, run processes without the worker role (Plant:Roles=api).";

    /// <summary>Why a trainer cannot start without a model trainer.</summary>
    public const string MissingTrainerMessage =
        "No IModelTrainer is registered, so this process cannot train models (Plant:Roles includes 'trainer'). " +
        "The PLANT trainer is registered in PlantModelRegistration.AddPlantModel (src/PlantFunctions.Pipeline/Hosting/PlantModelRegistration.cs); " +
        "until the model layer provides it, run processes without the trainer role.";

    /// <summary>
    /// Registers the real model implementations. The model engineer adds here, e.g.
    /// <c>services.AddSingleton&lt;INoteCoderLoader, PlantCoderLoader&gt;();</c> and
    /// <c>services.AddSingleton&lt;IModelTrainer, PlantTrainer&gt;();</c>.
    /// </summary>
    public static IServiceCollection AddPlantModel(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        return services;
    }
}
