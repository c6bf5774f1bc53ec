namespace PlantFunctions.Model.Notes;

/// <summary>One clinical note: the canonical record every reader produces and every stage consumes.</summary>
/// <param name="Id">Unique id within a batch or corpus.</param>
/// <param name="Text">The note's full text, unchanged (evidence offsets point into it).</param>
/// <param name="Codes">Gold codes for training and evaluation; <c>null</c> when unknown.</param>
/// <param name="Metadata">Anything else the source carried, kept as strings so nothing is lost.</param>
public sealed record ClinicalNote(
    string Id,
    string Text,
    IReadOnlyList<string>? Codes = null,
    IReadOnlyDictionary<string, string>? Metadata = null);
