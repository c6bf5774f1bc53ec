namespace PlantFunctions.Pipeline.Training;

/// <summary>Where a training job keeps its files in the training container.</summary>
public static class TrainingJobPaths
{
    /// <summary>Everything of a job.</summary>
    public static string Folder(string jobId) => $"_jobs/{jobId}/";

    /// <summary>The latest checkpoint (leased by the activity training it).</summary>
    public static string Checkpoint(string jobId) => $"_jobs/{jobId}/checkpoint.bin";

    /// <summary>The trained model file, before it is registered.</summary>
    public static string ModelFile(string jobId) => $"_jobs/{jobId}/model.plant";

    /// <summary>Written when the job is terminated: a training activity still running sees it and stops.</summary>
    public static string StopMarker(string jobId) => $"_jobs/{jobId}/_stop";
}
