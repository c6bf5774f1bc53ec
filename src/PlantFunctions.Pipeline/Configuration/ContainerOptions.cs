using System.ComponentModel.DataAnnotations;

namespace PlantFunctions.Pipeline.Configuration;

/// <summary>The blob containers (<c>Plant:Containers</c>); the service creates them at start when missing.</summary>
public sealed class ContainerOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Plant:Containers";

    private const string Pattern = "^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$";
    private const string Message = "container names are 3-63 lower-case letters, digits and single hyphens";

    /// <summary>Input note files, one prefix per batch. Default "notes".</summary>
    [Required]
    [RegularExpression(Pattern, ErrorMessage = Message)]
    public string Notes { get; set; } = "notes";

    /// <summary>Coded results and summaries, under {batchId}/. Default "results".</summary>
    [Required]
    [RegularExpression(Pattern, ErrorMessage = Message)]
    public string Results { get; set; } = "results";

    /// <summary>Model versions, under {name}/{version}/. Default "models".</summary>
    [Required]
    [RegularExpression(Pattern, ErrorMessage = Message)]
    public string Models { get; set; } = "models";

    /// <summary>Training data and training-job checkpoints. Default "training".</summary>
    [Required]
    [RegularExpression(Pattern, ErrorMessage = Message)]
    public string Training { get; set; } = "training";
}
