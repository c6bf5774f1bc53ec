namespace PlantFunctions.Model.Evaluation;

/// <summary>The ranking metrics of a set.</summary>
/// <param name="MeanAveragePrecision">MAP (CodiEsp definition) over the notes with at least one gold code; NaN if none has.</param>
/// <param name="PrecisionAtK">P@k per requested k, averaged over all notes.</param>
/// <param name="RecallAtK">R@k per requested k, averaged over the notes with at least one gold code; NaN if none has.</param>
/// <param name="NotesWithGold">Notes with at least one gold code (in the label set or not).</param>
public sealed record RankingScores(
    double MeanAveragePrecision,
    IReadOnlyDictionary<int, double> PrecisionAtK,
    IReadOnlyDictionary<int, double> RecallAtK,
    int NotesWithGold);
