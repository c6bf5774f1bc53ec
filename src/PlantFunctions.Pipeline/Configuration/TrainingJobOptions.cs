using System.ComponentModel.DataAnnotations;

namespace PlantFunctions.Pipeline.Configuration;

/// <summary>Training jobs (<c>Plant:Training</c>); captured in each job's input when it starts.</summary>
public sealed class TrainingJobOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Plant:Training";

    /// <summary>
    /// A training activity works on its stage for at least this long, then returns at the next epoch end so that the
    /// job's status shows the epoch, loss and metrics; the next activity resumes from the checkpoint. 0 returns after
    /// every epoch. Default 10 min.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00")]
    public TimeSpan SliceDuration { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Attempts of a training activity that fails (a crash is not an attempt: the engine redelivers it). Default 3.</summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Wait before retrying a failed training activity. Default 30 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "06:00:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A training activity holds a blob lease on its job's checkpoint for this long and renews it every third of it, so
    /// two activities never train one job at once; a crashed trainer's lease runs out after this. 15-60 s (Azure's
    /// limits on blob leases). Default 30 s.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:15", "00:01:00")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);
}
