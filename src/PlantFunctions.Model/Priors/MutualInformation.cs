namespace PlantFunctions.Model.Priors;

/// <summary>Which association measure ranks tokens for a code.</summary>
public enum RelevanceMeasure
{
    /// <summary>Mutual information I(T;L) in nats (paper, appendix A.2).</summary>
    Gain,

    /// <summary>I / (H_T + H_L - I), the normalised form the authors' code uses ("mutual_info_jaccard").</summary>
    Normalized,
}

/// <summary>
/// Mutual information between two binary events over N documents, "token present" and "code assigned", from the four
/// counts of their 2x2 table (natural log; 0 log 0 = 0). Counts may be fractional (weighted documents, as borrowing
/// from a code's family and description adds; see <see cref="PriorComputation"/>).
/// </summary>
public static class MutualInformation
{
    /// <summary>I(T;L) in nats from N, the documents with the token, with the code, and with both.</summary>
    public static double Gain(double documents, double withToken, double withCode, double withBoth)
    {
        double n = documents;
        double pt = withToken / n, pl = withCode / n;
        return Term(withBoth / n, pt * pl)
             + Term((withToken - withBoth) / n, pt * (1 - pl))
             + Term((withCode - withBoth) / n, (1 - pt) * pl)
             + Term((documents - withToken - withCode + withBoth) / n, (1 - pt) * (1 - pl));
    }

    /// <summary>I / (H_T + H_L - I): 1 when the events are identical, 0 when independent.</summary>
    public static double Normalized(double documents, double withToken, double withCode, double withBoth)
    {
        double gain = Gain(documents, withToken, withCode, withBoth);
        double union = Entropy(withToken / documents) + Entropy(withCode / documents) - gain;
        return union <= 0 ? 0 : gain / union;
    }

    /// <summary>The chosen measure.</summary>
    public static double Measure(RelevanceMeasure measure, double documents, double withToken, double withCode, double withBoth) =>
        measure == RelevanceMeasure.Gain
            ? Gain(documents, withToken, withCode, withBoth)
            : Normalized(documents, withToken, withCode, withBoth);

    /// <summary>True when token and code co-occur more often than independence predicts: P(t,l) &gt; P(t)P(l).</summary>
    public static bool PositivelyAssociated(double documents, double withToken, double withCode, double withBoth) =>
        withBoth * documents > withToken * withCode;

    /// <summary>Binary entropy in nats.</summary>
    public static double Entropy(double p) => -Term(p, 1) - Term(1 - p, 1);

    private static double Term(double joint, double independent) =>
        joint <= 0 ? 0 : joint * Math.Log(joint / independent);
}
