using Microsoft.Extensions.DependencyInjection;
using PlantFunctions.Model.Coding;
using PlantFunctions.Pipeline.Hosting;
using PlantFunctions.Pipeline.Requests;
using PlantFunctions.Contracts.Models;

namespace PlantFunctions.Pipeline.Coding;

/// <summary>
/// Registers a model file that was trained elsewhere (<c>plant train</c>'s output): checks that the registered model
/// loader can open it, on the inference thread, then stores it as a new version. Versions are immutable: uploading a
/// version that exists is refused, so a batch never sees its model change under it.
/// </summary>
public sealed class ModelUploader(ModelRegistry registry, InferenceThread inference, IServiceProvider services)
{
    /// <summary>
    /// Uploads <paramref name="modelFile"/> (a seekable stream, e.g. the request body spooled to a temporary file) as
    /// <paramref name="name"/>/<paramref name="version"/>.
    /// </summary>
    /// <exception cref="PlantRequestException">Invalid names or file (400), or an existing version (409).</exception>
    public async Task<ModelVersionInfo> UploadAsync(string name, string version, Stream modelFile, bool activate, CancellationToken cancellationToken = default)
    {
        await registry.CheckNewVersionAsync(name, version, cancellationToken).ConfigureAwait(false);
        if (modelFile.Length == 0)
        {
            throw new PlantRequestException(PlantRequestError.Invalid, "the model file is empty: send the file that plant train wrote as the request body");
        }

        var loader = services.GetService<INoteCoderLoader>()
                     ?? throw new InvalidOperationException(PlantModelRegistration.MissingLoaderMessage);
        CoderInfo info;
        try
        {
            info = await inference.RunAsync(() =>
            {
                modelFile.Position = 0;
                using var coder = loader.Load(modelFile);
                return coder.Info;
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException ex)
        {
            throw new PlantRequestException(PlantRequestError.Invalid, $"the uploaded file is not a model this service can load: {ex.Message}");
        }

        var facts = new Dictionary<string, double> { ["labels"] = info.Labels };
        modelFile.Position = 0;
        return await registry.RegisterNewAsync(name, version, modelFile, facts, activate, cancellationToken).ConfigureAwait(false);
    }
}
