using System.ComponentModel.DataAnnotations;

namespace PlantFunctions.Pipeline.Configuration;

/// <summary>The training-job loop (<c>Plant:Training</c>).</summary>
public sealed class TrainerOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Plant:Training";

    /// <summary>
    /// A trainer holds a job for this long and renews the claim every third of it; a job whose trainer died is taken
    /// over (and resumed from its last checkpoint) this long after the last renewal. Default 2 min.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often an idle trainer looks for jobs. Default 5 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Claims of a job (trainer crashes included) before it is recorded as failed. Default 3.</summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 3;

    /// <summary>
    /// Stop the process once no training job is Pending or Running (for a trainer started per training request, such
    /// as a Container Apps job). Default false: keep polling.
    /// </summary>
    public bool ExitWhenIdle { get; set; }
}
