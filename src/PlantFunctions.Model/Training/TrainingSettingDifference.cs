namespace PlantFunctions.Model.Training;

/// <summary>One training option on which a resumed run and its checkpoint disagree, values as JSON.</summary>
/// <param name="Name">The option's JSON name (as the HTTP API's request and the checkpoint's options.json spell it).</param>
/// <param name="Checkpoint">The value the checkpoint's run was started with.</param>
/// <param name="Requested">The value asked for now.</param>
public sealed record TrainingSettingDifference(string Name, string Checkpoint, string Requested)
{
    /// <inheritdoc />
    public override string ToString() => $"{Name} {Checkpoint} there, {Requested} now";
}
