namespace PlantFunctions.Model.Training;

/// <summary>A run resumed a checkpoint that was started with other training settings.</summary>
public sealed class TrainingSettingsMismatchException : InvalidOperationException
{
    /// <summary>Creates the exception for the settings that differ.</summary>
    public TrainingSettingsMismatchException(IReadOnlyList<TrainingSettingDifference> differences)
        : base($"the checkpoint was started with other training settings ({string.Join("; ", differences)}): resume it with the settings it was started with, or start a new checkpoint")
    {
        Differences = differences;
    }

    /// <summary>The settings that differ.</summary>
    public IReadOnlyList<TrainingSettingDifference> Differences { get; }
}
