using PlantFunctions.Contracts.Instances;

namespace PlantFunctions.Contracts.Batches;

/// <summary>What a finished batch orchestration returns: where its results are and how it went.</summary>
/// <param name="Status">Completed, or Terminated for a batch closed out after termination.</param>
/// <param name="ResultsContainer">The results container.</param>
/// <param name="ResultsPrefix">The batch's folder in it (<c>{batchId}/</c>).</param>
/// <param name="Summary">The summary blob in the results container (<c>{batchId}/summary.json</c>).</param>
/// <param name="NotesTotal">Input records.</param>
/// <param name="NotesCoded">Notes with codes.</param>
/// <param name="NotesFailed">Notes with an error record.</param>
/// <param name="Reason">Why it failed or was terminated.</param>
public sealed record BatchOutput(RuntimeStatus Status, string ResultsContainer, string ResultsPrefix, string Summary, int NotesTotal, int NotesCoded,
    int NotesFailed, string? Reason = null);
