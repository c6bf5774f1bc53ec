using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using PlantFunctions.Model.Coding;
using PlantFunctions.Model.Training;
using PlantFunctions.Pipeline.Configuration;

namespace PlantFunctions.Pipeline.Hosting;

/// <summary>Stops the host at start when its roles need a model implementation that is not registered.</summary>
internal sealed class ModelRegistrationCheck(IServiceProvider services, IOptions<PlantOptions> plant) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var roles = plant.Value.ParsedRoles;
        if (roles.HasFlag(PlantRoles.Worker) && services.GetService<INoteCoderLoader>() is null)
        {
            throw new InvalidOperationException(PlantModelRegistration.MissingLoaderMessage);
        }

        if (roles.HasFlag(PlantRoles.Trainer) && services.GetService<IModelTrainer>() is null)
        {
            throw new InvalidOperationException(PlantModelRegistration.MissingTrainerMessage);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
