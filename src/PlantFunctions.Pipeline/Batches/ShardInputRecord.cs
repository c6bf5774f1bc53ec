namespace PlantFunctions.Pipeline.Batches;

/// <summary>
/// One line of a shard's planned input: a canonical note (<see cref="Text"/> set) or the placeholder of a record that
/// could not be read (<see cref="Error"/> set), so the error becomes that shard's result record for it.
/// </summary>
/// <param name="Id">The note id, or one derived from <see cref="Source"/> when it could not be read.</param>
/// <param name="Source">"blob:line" (or the blob name for a whole-file note).</param>
/// <param name="Text">The note's text.</param>
/// <param name="Error">Why the record could not be read.</param>
public sealed record ShardInputRecord(string Id, string Source, string? Text = null, string? Error = null);
