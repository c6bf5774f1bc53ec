namespace PlantFunctions.Pipeline.Orchestration;

/// <summary>The life cycle of a batch or a training job, named as Durable Functions names an instance's runtime status.</summary>
public enum RuntimeStatus
{
    /// <summary>Accepted; planning (batch) or waiting for a trainer (training job).</summary>
    Pending,

    /// <summary>Work items are out (batch) or a trainer holds the job.</summary>
    Running,

    /// <summary>Finished; for a batch, failed notes stayed within the error threshold.</summary>
    Completed,

    /// <summary>Finished unsuccessfully; the reason is recorded.</summary>
    Failed,

    /// <summary>Stopped on request; workers drop its remaining work.</summary>
    Terminated,
}
