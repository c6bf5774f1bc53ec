namespace PlantFunctions.Model.Notes.Mimic;

/// <summary>One row of a notes table kept for an admission: a report or one of its addenda.</summary>
/// <param name="Id">The row's own id (ROW_ID, note_id).</param>
/// <param name="Text">Its text, unchanged.</param>
/// <param name="Date">CHARTDATE or charttime as written (ISO dates sort as text).</param>
/// <param name="Sequence">ROW_ID (MIMIC-III) or note_seq (MIMIC-IV); <see cref="long.MaxValue"/> when empty.</param>
/// <param name="Line">The line the row starts on, the last tie-breaker.</param>
/// <param name="Subject">SUBJECT_ID, kept as metadata.</param>
internal sealed record NotePart(string Id, string Text, string Date, long Sequence, long Line, string Subject);
