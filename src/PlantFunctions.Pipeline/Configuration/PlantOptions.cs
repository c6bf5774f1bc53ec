using System.ComponentModel.DataAnnotations;

namespace PlantFunctions.Pipeline.Configuration;

/// <summary>The top-level <c>Plant</c> settings: the device, the task hub and the model name.</summary>
public sealed class PlantOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Plant";

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
    /// The Durable Task hub (lower-case letters and digits, starting with a letter; Durable Functions' rule for Azure
    /// Storage task hubs). Default "plant": the engine's queues <c>plant-control-NN</c> and <c>plant-workitems</c>, tables
    /// <c>PlantHistory</c> and <c>PlantInstances</c>, containers <c>plant-leases</c> and <c>plant-largemessages</c>; and the
    /// service's model registry table <c>PlantModels</c>. Tests use a unique hub each for isolation on one account.
    /// </summary>
    [Required]
    [RegularExpression("^[a-z][a-z0-9]{2,40}$", ErrorMessage = "Plant:TaskHub must be 3-41 lower-case letters and digits, starting with a letter")]
    public string TaskHub { get; set; } = "plant";

    /// <summary>Name of the model that batches are coded with (its versions live under models/{name}/). Default "codiesp-dx".</summary>
    [Required]
    [RegularExpression(NameRules.ModelNamePattern, ErrorMessage = "Plant:ModelName must be 1-63 letters, digits, '-', '_' or '.', starting with a letter or digit")]
    public string ModelName { get; set; } = "codiesp-dx";

    /// <summary>The longest <c>/api/health/ready</c> waits for storage before it answers 503. Default 5 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan HealthProbeTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long <c>/api/health/ready</c> reuses its storage answer (anonymous probes cost one storage call per this). Default 5 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan HealthCacheDuration { get; set; } = TimeSpan.FromSeconds(5);
}
