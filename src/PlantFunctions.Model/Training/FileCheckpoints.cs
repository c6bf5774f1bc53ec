namespace PlantFunctions.Model.Training;

/// <summary>Checkpoints in a local file, replaced atomically (write a temp file, then move it over).</summary>
public sealed class FileCheckpoints(string path) : ITrainingCheckpoints
{
    /// <inheritdoc />
    public byte[]? Load() => File.Exists(path) ? File.ReadAllBytes(path) : null;

    /// <inheritdoc />
    public void Save(byte[] checkpoint)
    {
        string temp = path + ".tmp";
        File.WriteAllBytes(temp, checkpoint);
        File.Move(temp, path, overwrite: true);
    }
}
