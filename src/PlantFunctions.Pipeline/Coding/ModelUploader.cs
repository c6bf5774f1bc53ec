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
    /// <summary>Largest model file accepted (a paper-size model with 9,000 codes is about 150 MB).</summary>
    public const long MaxModelBytes = 2L * 1024 * 1024 * 1024;

    /// <summary>
    /// Registers the model file an HTTP request carries: the names, the version's absence and the declared size are
    /// checked before a byte of <paramref name="body"/> is read; the body is then spooled to a temporary file (not
    /// memory: a model file can be hundreds of MB), loaded once to check it, and registered If-None-Match.
    /// </summary>
    /// <exception cref="PlantRequestException">Invalid names or file (400), an existing version (409), too large (413).</exception>
    public async Task<ModelVersionInfo> UploadRequestAsync(string name, string version, Stream body, long? declaredLength, bool activate,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        await registry.CheckNewVersionAsync(name, version, cancellationToken).ConfigureAwait(false);
        if (declaredLength is > MaxModelBytes)
        {
            throw new PlantRequestException(PlantRequestError.TooLarge,
                $"the model file is {declaredLength / (1024 * 1024):N0} MB; the limit is {MaxModelBytes / (1024 * 1024):N0} MB");
        }

        var file = new FileStream(Path.Combine(Path.GetTempPath(), $"plant-upload-{Guid.NewGuid():N}.bin"), FileMode.CreateNew, FileAccess.ReadWrite,
            FileShare.None, 81920, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        await using (file.ConfigureAwait(false))
        {
            await body.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
            file.Position = 0;
            return await UploadAsync(name, version, file, activate, cancellationToken).ConfigureAwait(false);
        }
    }

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
