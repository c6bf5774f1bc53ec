namespace PlantFunctions.Host;

/// <summary>
/// What a local host process does (<c>Plant:Roles</c>, comma-separated; default <c>api,worker</c>). <c>api</c>: the HTTP
/// API, the ready-marker watcher and the sweep that closes out terminated batches (the Functions app's HTTP, blob and
/// timer triggers). <c>worker</c>: the Durable Task worker that runs the orchestrations and activities (coding and
/// training). Any number of either against one task hub; the engine spreads the work.
/// </summary>
[Flags]
public enum PlantRoles
{
    /// <summary>Nothing but /api/health.</summary>
    None = 0,

    /// <summary>HTTP API, ready markers, close-out sweep.</summary>
    Api = 1,

    /// <summary>Orchestrations and activities.</summary>
    Worker = 2,
}

/// <summary>Parses <c>Plant:Roles</c>.</summary>
public static class PlantRolesParser
{
    /// <summary>The accepted role names.</summary>
    public static readonly IReadOnlyList<string> Names = ["api", "worker"];

    /// <summary>Parses "api,worker"; false with the offending word for anything unknown.</summary>
    public static bool TryParse(string? value, out PlantRoles roles, out string? unknown)
    {
        roles = PlantRoles.None;
        unknown = null;
        foreach (string part in (value ?? "").Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            switch (part.ToLowerInvariant())
            {
                case "api":
                    roles |= PlantRoles.Api;
                    break;
                case "worker":
                    roles |= PlantRoles.Worker;
                    break;
                default:
                    unknown = part;
                    return false;
            }
        }

        return true;
    }
}
