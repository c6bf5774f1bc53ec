namespace PlantFunctions.Pipeline.Training;

/// <summary>
/// Where a training job keeps its files in the training container: <c>_jobs/{job}/{run}/</c> for a run (inputs of
/// version 2 on), <c>_jobs/{job}/</c> for jobs started before runs had ids.
/// </summary>
public static class TrainingJobPaths
{
    /// <summary>Everything of a job, every run.</summary>
    public static string Folder(string jobId) => $"_jobs/{jobId}/";

    /// <summary>Everything of one run of a job.</summary>
    public static string RunFolder(TrainModelInput job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return job.RunId is null ? Folder(job.JobId) : $"_jobs/{job.JobId}/{job.RunId}/";
    }

    /// <summary>The latest checkpoint (leased by the activity training it).</summary>
    public static string Checkpoint(TrainModelInput job) => RunFolder(job) + "checkpoint.bin";

    /// <summary>The trained model file, before it is registered.</summary>
    public static string ModelFile(TrainModelInput job) => RunFolder(job) + "model.plant";

    /// <summary>Written when the job is terminated: a training activity still running sees it and stops.</summary>
    public static string StopMarker(TrainModelInput job) => RunFolder(job) + "_stop";

    /// <summary>The run's input, written before the run is scheduled: a training activity of a run whose files were purged finds it gone and stops.</summary>
    public static string RunMarker(TrainModelInput job) => RunFolder(job) + "job.json";
}
