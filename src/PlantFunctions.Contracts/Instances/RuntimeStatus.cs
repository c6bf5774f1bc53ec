namespace PlantFunctions.Contracts.Instances;

/// <summary>The runtime status of a batch or training job: Durable Functions' own names for an orchestration instance's state.</summary>
public enum RuntimeStatus
{
    /// <summary>Scheduled, not started yet.</summary>
    Pending,

    /// <summary>Running (a batch between generations, <c>ContinuedAsNew</c>, reads as Running too).</summary>
    Running,

    /// <summary>Finished; for a batch, failed notes stayed within the error threshold.</summary>
    Completed,

    /// <summary>Finished unsuccessfully; the output holds the reason.</summary>
    Failed,

    /// <summary>Stopped on request. A terminated batch is still closed out: one record per note and a summary.</summary>
    Terminated,

    /// <summary>Suspended on request; resumes where it stopped.</summary>
    Suspended,
}
