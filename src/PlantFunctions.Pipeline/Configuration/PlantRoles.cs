namespace PlantFunctions.Pipeline.Configuration;

/// <summary>
/// Which loops a process runs (<c>Plant:Roles</c>, comma-separated). <c>api</c> serves HTTP and also runs the
/// coordinator (planner, ready-marker watcher, recovery sweep), because the API host is the one process that is always
/// up (minReplicas 1); <c>coordinator</c> alone runs the coordinator without HTTP; <c>worker</c> codes shards;
/// <c>trainer</c> runs training jobs.
/// </summary>
[Flags]
public enum PlantRoles
{
    /// <summary>No loops.</summary>
    None = 0,

    /// <summary>The HTTP API (implies <see cref="Coordinator"/>).</summary>
    Api = 1,

    /// <summary>Planning, ready-marker watching and the recovery sweep.</summary>
    Coordinator = 2,

    /// <summary>Work-item loops that code shards.</summary>
    Worker = 4,

    /// <summary>The training-job loop.</summary>
    Trainer = 8,
}
