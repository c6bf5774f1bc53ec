using Microsoft.DurableTask;

namespace PlantFunctions.Pipeline.Coding;

/// <summary>
/// A model version's file that this service cannot load: not a model file, corrupt, or of another format or schema.
/// Versions are immutable, so trying again cannot help: a retry policy should fail fast on it
/// (<see cref="IsRetryable"/>), and a worker's <see cref="CoderCache"/> remembers it instead of downloading and loading
/// the file again for every shard.
/// </summary>
public sealed class ModelLoadException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ModelLoadException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public ModelLoadException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the loader's exception.</summary>
    public ModelLoadException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Whether a failed activity is worth another attempt: not when the model cannot be loaded (by the failure's type, which is what the engine keeps).</summary>
    public static bool IsRetryable(TaskFailureDetails failure) => failure?.IsCausedBy<ModelLoadException>() != true;
}
