using System.ComponentModel.DataAnnotations;

namespace PlantFunctions.Model.Text;

/// <summary>How a vocabulary is cut from token counts.</summary>
public sealed record VocabularyOptions
{
    /// <summary>Tokens seen fewer times than this map to the unknown id. Default 2.</summary>
    [Range(1, int.MaxValue)]
    public int MinCount { get; init; } = 2;

    /// <summary>Largest vocabulary, reserved ids included. Default 60,000 (ULMFiT's size).</summary>
    [Range(4, int.MaxValue)]
    public int MaxSize { get; init; } = 60_000;
}
