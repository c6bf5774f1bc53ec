namespace PlantFunctions.Model.Ranking;

/// <summary>Mean nDCG@k over codes, before and after training.</summary>
/// <param name="K">The k of nDCG@k.</param>
/// <param name="HeldOutBefore">Held-out nDCG@k of the untrained scorer, all codes with held-out tokens.</param>
/// <param name="HeldOutAfter">Held-out nDCG@k after training.</param>
/// <param name="RareHeldOutBefore">Held-out nDCG@k of the untrained scorer on rare codes.</param>
/// <param name="RareHeldOutAfter">Held-out nDCG@k after training on rare codes.</param>
/// <param name="TrainAfter">nDCG@k on the training lists after training (fit, not generalisation).</param>
/// <param name="EvaluatedCodes">Codes with held-out tokens.</param>
/// <param name="RareCodes">Rare codes among them.</param>
/// <param name="Seconds">Training time.</param>
public sealed record RankingReport(int K, double HeldOutBefore, double HeldOutAfter, double RareHeldOutBefore, double RareHeldOutAfter,
    double TrainAfter, int EvaluatedCodes, int RareCodes, double Seconds)
{
    /// <summary>
    /// nDCG@k on the held-out lists of the scorer that ships, trained again on all pairs (held-out ones included, so an
    /// in-sample figure); <c>null</c> when the reported scorer ships as it is.
    /// </summary>
    public double? ShippedOnHeldOut { get; init; }
}
