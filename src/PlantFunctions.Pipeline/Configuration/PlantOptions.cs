using System.ComponentModel.DataAnnotations;

namespace PlantFunctions.Pipeline.Configuration;

/// <summary>The top-level <c>Plant</c> settings: which loops run, on which device, under which task hub and model name.</summary>
public sealed class PlantOptions : IValidatableObject
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Plant";

    /// <summary>
    /// Comma-separated roles: api, coordinator, worker, trainer. Default "api,worker,trainer" (everything). Empty runs
    /// no loops (only /api/health answers).
    /// </summary>
    public string? Roles { get; set; } = "api,worker,trainer";

    /// <summary>Torch device for coding and training: cpu, cuda or auto. Default auto.</summary>
    [Required]
    [RegularExpression("^(cpu|cuda|auto)$", ErrorMessage = "Plant:Device must be cpu, cuda or auto")]
    public string Device { get; set; } = "auto";

    /// <summary>
    /// CPU threads libtorch uses for coding and training in this process. 0 (default) keeps libtorch's default, one per
    /// core, right for one worker per machine or container; set cores / processes when several worker processes share a
    /// machine (<c>plant demo</c> and the service benchmark do this for the workers they start).
    /// </summary>
    [Range(0, 1024, ErrorMessage = "Plant:Threads must be between 0 (libtorch's default) and 1024")]
    public int Threads { get; set; }

    /// <summary>
    /// Prefix of the queue and table names (lower-case letters and digits, starting with a letter). Default "plant":
    /// queues plant-workitems, plant-workitems-poison, plant-control, plant-training; tables PlantBatches, PlantShards,
    /// PlantTrainingJobs, PlantModels. Tests use a unique task hub each for isolation on one storage account.
    /// </summary>
    [Required]
    [RegularExpression("^[a-z][a-z0-9]{2,40}$", ErrorMessage = "Plant:TaskHub must be 3-41 lower-case letters and digits, starting with a letter")]
    public string TaskHub { get; set; } = "plant";

    /// <summary>Name of the model that batches are coded with (its versions live under models/{name}/). Default "codiesp-dx".</summary>
    [Required]
    [RegularExpression(NameRules.ModelNamePattern, ErrorMessage = "Plant:ModelName must be 1-63 letters, digits, '-', '_' or '.', starting with a letter or digit")]
    public string ModelName { get; set; } = "codiesp-dx";

    /// <summary>The parsed <see cref="Roles"/>.</summary>
    public PlantRoles ParsedRoles => PlantRolesParser.TryParse(Roles, out var roles, out _) ? roles : PlantRoles.None;

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!PlantRolesParser.TryParse(Roles, out _, out string? unknown))
        {
            yield return new ValidationResult(
                $"Plant:Roles has an unknown role '{unknown}'; use a comma-separated list of {string.Join(", ", PlantRolesParser.Names)}",
                [nameof(Roles)]);
        }
    }
}
