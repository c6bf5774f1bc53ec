using Microsoft.Extensions.Options;
using PlantFunctions.Model.Coding;
using PlantFunctions.Model.Training;
using PlantFunctions.Pipeline.Hosting;

namespace PlantFunctions.Host;

/// <summary>
/// Stops a worker at start when no model is registered (a host composed without <see cref="PlantModelRegistration.AddPlantModel"/>),
/// instead of failing every shard and training activity later: it would take work from the task hub it cannot do.
/// </summary>
internal sealed class ModelRegistrationCheck(IServiceProvider services, IOptions<LocalHostOptions> host) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (host.Value.ParsedRoles.HasFlag(PlantRoles.Worker))
        {
            if (services.GetService<INoteCoderLoader>() is null)
            {
                throw new InvalidOperationException(PlantModelRegistration.MissingLoaderMessage);
            }

            if (services.GetService<IModelTrainer>() is null)
            {
                throw new InvalidOperationException(PlantModelRegistration.MissingTrainerMessage);
            }
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
