using System.Text.Json.Serialization;

namespace PlantFunctions.Contracts.Batches;

/// <summary>A word that supported a code, with its character offsets into the note's text.</summary>
/// <param name="Text">The word as it appears in the note.</param>
/// <param name="Start">0-based character offset.</param>
/// <param name="Length">Length in characters.</param>
/// <param name="Weight">Attention weight.</param>
/// <param name="Assertion">
/// <c>"negated"</c>, <c>"possible"</c> (uncertain or hypothetical), <c>"historical"</c> or <c>"family"</c>: what the note
/// says about the word; absent when the note affirms it.
/// </param>
public sealed record ResultEvidence(string Text, int Start, int Length, float Weight,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Assertion = null);
