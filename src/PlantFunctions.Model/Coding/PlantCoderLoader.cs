using Microsoft.Extensions.Logging;
using PlantFunctions.Model.Artifacts;
using PlantFunctions.Model.Runtime;

namespace PlantFunctions.Model.Coding;

/// <summary>Loads PLANT model files as coders on the configured device (<c>cpu</c>, <c>cuda</c> or <c>auto</c>).</summary>
public sealed class PlantCoderLoader(string? deviceSetting, ILogger? logger = null) : INoteCoderLoader
{
    /// <inheritdoc />
    public INoteCoder Load(Stream modelFile)
    {
        var device = TorchDevices.Resolve(deviceSetting, logger);
        var artifact = ModelArtifact.Read(modelFile);
        return new PlantCoder(artifact, device);
    }
}
