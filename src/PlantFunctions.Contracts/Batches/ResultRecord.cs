namespace PlantFunctions.Contracts.Batches;

/// <summary>
/// One line of <c>results/{batchId}/shard-NNNNNN.jsonl</c>: either the codes of a note
/// (<c>{"id","source","modelVersion","codes":[...]}</c>) or why it has none (<c>{"id","source","error"}</c>).
/// Every input note has exactly one record.
/// </summary>
/// <param name="Id">Note id (derived from the source location when the record could not be read).</param>
/// <param name="Source">"blob:line" where the note came from.</param>
/// <param name="ModelVersion">Version of the model that coded it.</param>
/// <param name="Codes">Assigned codes, most probable first.</param>
/// <param name="Error">Why the note was not coded.</param>
public sealed record ResultRecord(string Id, string Source, string? ModelVersion = null, IReadOnlyList<ResultCode>? Codes = null, string? Error = null);
