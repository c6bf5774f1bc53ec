namespace PlantFunctions.Model.Training;

/// <summary>
/// Where a training run keeps its latest checkpoint so that a run interrupted at any point resumes from it: a local file
/// for the CLI, a blob for the service. Saving replaces the previous checkpoint atomically.
/// </summary>
public interface ITrainingCheckpoints
{
    /// <summary>The latest checkpoint, or <c>null</c> when the run starts fresh.</summary>
    byte[]? Load();

    /// <summary>Replaces the checkpoint.</summary>
    void Save(byte[] checkpoint);
}
