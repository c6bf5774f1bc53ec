namespace PlantFunctions.Model.Coding;

/// <summary>Opens model files as coders (the service caches one per model version and worker process).</summary>
public interface INoteCoderLoader
{
    /// <summary>Loads a model file; throws <see cref="InvalidDataException"/> with a clear reason for a corrupt or incompatible file.</summary>
    INoteCoder Load(Stream modelFile);
}
