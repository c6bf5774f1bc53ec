namespace PlantFunctions.Model.Training;

/// <summary>A training checkpoint that cannot be read (not a checkpoint, truncated, or a part that does not parse).</summary>
public sealed class CorruptCheckpointException : IOException
{
    /// <summary>Creates the exception; the message starts "training checkpoint is corrupt: ".</summary>
    public CorruptCheckpointException(string problem, Exception? inner = null)
        : base($"training checkpoint is corrupt: {problem}", inner)
    {
    }
}
