using Microsoft.Extensions.DependencyInjection;
using PlantFunctions.Model.Coding;
using PlantFunctions.Model.Training;

namespace PlantFunctions.Testing.Fakes;

/// <summary>Registers the doubles where production calls <c>AddPlantModel</c>.</summary>
public static class FakeModelServiceCollectionExtensions
{
    /// <summary>Adds <see cref="FakeNoteCoderLoader"/> and <see cref="FakeModelTrainer"/>.</summary>
    public static IServiceCollection AddFakeModel(this IServiceCollection services, FakeModelSettings settings)
    {
        services.AddSingleton(new FakeNoteCoderLoader(settings));
        services.AddSingleton<INoteCoderLoader>(sp => sp.GetRequiredService<FakeNoteCoderLoader>());
        services.AddSingleton<IModelTrainer>(new FakeModelTrainer(settings));
        return services;
    }
}
