namespace PlantFunctions.Model.Coding;

/// <summary>How many codes to return per note and how much evidence to attach.</summary>
public sealed record CodingOptions
{
    /// <summary>Probability threshold; <c>null</c> uses the threshold tuned on the validation split and stored in the model.</summary>
    public float? Threshold { get; init; }

    /// <summary>
    /// Use the per-code thresholds stored in the model (tuned on validation; codes without validation positives use the
    /// global one). Ignored when <see cref="Threshold"/> is given or the model has none. Default off.
    /// </summary>
    public bool PerCodeThresholds { get; init; }

    /// <summary>Always return at least this many top codes, even below the threshold. Default 0.</summary>
    public int MinCodes { get; init; }

    /// <summary>Never return more than this many codes. Default 50.</summary>
    public int MaxCodes { get; init; } = 50;

    /// <summary>Evidence tokens per returned code (top tokens by attention). Default 5, as in the paper's Table 9.</summary>
    public int EvidenceTokens { get; init; } = 5;

    /// <summary>
    /// Score every code cheaply and run the exact decoder (learned attention, output layer, evidence) only for this many
    /// codes per note; codes off the shortlist keep their cheap score, moved below every shortlisted code's logit.
    /// <c>null</c> (default): the model's own default (<see cref="Artifacts.ModelManifest.Shortlist"/>: a shortlist of
    /// <see cref="DefaultShortlist"/> for models grown beyond their training codes, none otherwise); 0, or a number at
    /// least the model's codes: every code exactly.
    /// </summary>
    public int? Shortlist { get; init; }

    /// <summary>
    /// The shortlist models grown beyond their training codes code with: on CodiEsp dev it kept 99.8% of the exact top 15
    /// codes with 1,767 and with 23,209 codes, MAP unchanged (docs/speed.md).
    /// </summary>
    public const int DefaultShortlist = 300;

    /// <summary>Defaults.</summary>
    public static CodingOptions Default { get; } = new();
}
