namespace PlantFunctions.Pipeline.Configuration;

/// <summary>Parses the <c>Plant:Roles</c> setting.</summary>
public static class PlantRolesParser
{
    /// <summary>The accepted role names.</summary>
    public static readonly IReadOnlyList<string> Names = ["api", "coordinator", "worker", "trainer"];

    /// <summary>Parses "api,worker,trainer"; returns <c>false</c> with the offending word for anything unknown.</summary>
    public static bool TryParse(string? value, out PlantRoles roles, out string? unknown)
    {
        roles = PlantRoles.None;
        unknown = null;
        foreach (string part in (value ?? "").Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            switch (part.ToLowerInvariant())
            {
                case "api":
                    roles |= PlantRoles.Api | PlantRoles.Coordinator;
                    break;
                case "coordinator":
                    roles |= PlantRoles.Coordinator;
                    break;
                case "worker":
                    roles |= PlantRoles.Worker;
                    break;
                case "trainer":
                    roles |= PlantRoles.Trainer;
                    break;
                default:
                    unknown = part;
                    return false;
            }
        }

        return true;
    }
}
