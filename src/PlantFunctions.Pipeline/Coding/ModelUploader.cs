using Microsoft.Extensions.DependencyInjection;
using PlantFunctions.Model.Coding;
using PlantFunctions.Pipeline.Hosting;
using PlantFunctions.Pipeline.Requests;
using PlantFunctions.Contracts.Models;

namespace PlantFunctions.Pipeline.Coding;

/// <summary>
/// Registers a model file that was trained elsewhere (<c>plant train</c>'s output): streams it to its version's blob,
/// checks that the registered model loader can open it (on the inference thread, reading the blob), then records the
/// version. Versions are immutable: uploading a registered version is refused, so a batch never sees its model change
/// under it; an upload that stopped between storing the file and recording the version is resumed by the same upload.
/// </summary>
public sealed class ModelUploader(ModelRegistry registry, InferenceThread inference, IServiceProvider services)
{
    /// <summary>Largest model file accepted (a paper-size model with 9,000 codes is about 150 MB).</summary>
    public const long MaxModelBytes = 2L * 1024 * 1024 * 1024;

    /// <summary>
    /// Registers the model file an HTTP request carries: the names, the version's absence and the declared size are
    /// checked before a byte of <paramref name="body"/> is read; the body is then streamed to storage a block at a time
    /// (never spooled to disk or held whole in memory; a body without a declared length is refused as soon as it
    /// passes <see cref="MaxModelBytes"/>), loaded once from there to check it, and registered.
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

        var loader = services.GetService<INoteCoderLoader>()
                     ?? throw new InvalidOperationException(PlantModelRegistration.MissingLoaderMessage);
        var stored = await registry.StoreModelFileAsync(name, version, body, MaxModelBytes, cancellationToken).ConfigureAwait(false);
        CoderInfo info;
        try
        {
            var file = await registry.OpenModelFileAsync(stored, cancellationToken).ConfigureAwait(false);
            await using (file.ConfigureAwait(false))
            {
                info = await inference.RunAsync(() =>
                {
                    using var coder = loader.Load(file);
                    return coder.Info;
                }, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (InvalidDataException ex)
        {
            await registry.DeleteUnregisteredFileAsync(stored, CancellationToken.None).ConfigureAwait(false);
            throw new PlantRequestException(PlantRequestError.Invalid, $"the uploaded file is not a model this service can load: {ex.Message}");
        }

        var facts = new Dictionary<string, double> { ["labels"] = info.Labels };
        return await registry.RecordUploadAsync(stored, facts, activate, cancellationToken).ConfigureAwait(false);
    }
}
