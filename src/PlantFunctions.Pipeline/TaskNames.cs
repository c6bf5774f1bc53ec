namespace PlantFunctions.Pipeline;

/// <summary>
/// The names of the orchestrations and activities, as the task hub's history records them and as the Functions app
/// names its <c>[Function]</c>s (a test checks that every task has a function of its name).
/// </summary>
public static class TaskNames
{
    /// <summary>Orchestration: read the notes, fan out shards, fan in, summarise.</summary>
    public const string CodeBatch = "CodeBatch";

    /// <summary>Orchestration: code one block of a batch's shards (a sub-orchestration of <see cref="CodeBatch"/>, version 2).</summary>
    public const string CodeShards = "CodeShards";

    /// <summary>Activity: read the notes under a prefix once and write the shard inputs.</summary>
    public const string PlanBatch = "PlanBatch";

    /// <summary>Activity: code one shard and write its result blob once.</summary>
    public const string CodeShard = "CodeShard";

    /// <summary>Activity: give the notes of a shard that failed every attempt their error records.</summary>
    public const string RecordFailedShard = "RecordFailedShard";

    /// <summary>Activity: count the result blobs and write summary.json once.</summary>
    public const string SummarizeBatch = "SummarizeBatch";

    /// <summary>Orchestration: close out a terminated batch (error records for what was not coded, a summary).</summary>
    public const string CloseOutBatch = "CloseOutBatch";

    /// <summary>Activity: error records for every shard of a terminated batch that has no result yet.</summary>
    public const string CloseOutShards = "CloseOutShards";

    /// <summary>Orchestration: train a model stage by stage and register it.</summary>
    public const string TrainModel = "TrainModel";

    /// <summary>Activity: run (a slice of) one training stage, resuming from the job's checkpoint.</summary>
    public const string TrainStage = "TrainStage";

    /// <summary>Activity: register the trained model file as the job's model version.</summary>
    public const string RegisterModel = "RegisterModel";
}
