using System.ComponentModel.DataAnnotations;

namespace PlantFunctions.Host;

/// <summary>What this local host process does (<c>Plant:Roles</c>); see <see cref="PlantRoles"/>.</summary>
public sealed class LocalHostOptions : IValidatableObject
{
    /// <summary>Configuration section (the roles sit beside the other <c>Plant</c> settings).</summary>
    public const string SectionName = "Plant";

    /// <summary>Comma-separated roles: api, worker. Default "api,worker". Empty: only /api/health answers.</summary>
    public string? Roles { get; set; } = "api,worker";

    /// <summary>The parsed <see cref="Roles"/>.</summary>
    public PlantRoles ParsedRoles => PlantRolesParser.TryParse(Roles, out var roles, out _) ? roles : PlantRoles.None;

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!PlantRolesParser.TryParse(Roles, out _, out string? unknown))
        {
            yield return new ValidationResult(
                $"Plant:Roles has an unknown role '{unknown}'; use a comma-separated list of {string.Join(", ", PlantRolesParser.Names)}", [nameof(Roles)]);
        }
    }
}
