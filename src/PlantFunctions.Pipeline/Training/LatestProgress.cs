using PlantFunctions.Model.Training;

namespace PlantFunctions.Pipeline.Training;

/// <summary>Keeps the newest progress report of a training run for the next status write (reports arrive on the training thread).</summary>
internal sealed class LatestProgress : IProgress<TrainingProgress>
{
    private TrainingProgress? latest;

    public TrainingProgress? Latest => Volatile.Read(ref latest);

    public void Report(TrainingProgress value) => Volatile.Write(ref latest, value);
}
