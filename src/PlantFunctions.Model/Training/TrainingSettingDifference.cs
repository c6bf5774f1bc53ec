namespace PlantFunctions.Model.Training;

/// <summary>One training setting on which a resumed run and its checkpoint disagree, values as JSON.</summary>
/// <param name="Name">
/// The setting's name in the checkpoint's options.json: a <see cref="TrainingOptions"/> property in camel case (e.g.
/// "gradualUnfreezing", "seed"), or a stage setting of the plan (e.g. "plan.classifier.learningRate").
/// </param>
/// <param name="Checkpoint">The value the checkpoint's run was started with.</param>
/// <param name="Requested">The value asked for now.</param>
public sealed record TrainingSettingDifference(string Name, string Checkpoint, string Requested)
{
    /// <inheritdoc />
    public override string ToString() => $"{Name} {Checkpoint} there, {Requested} now";
}
