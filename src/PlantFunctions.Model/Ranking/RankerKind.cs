namespace PlantFunctions.Model.Ranking;

/// <summary>The two ranking functions f(label, token) -> score.</summary>
public enum RankerKind
{
    /// <summary>tok[t] . lab[l] + b_t + b_l: what the authors' code actually uses (cheap: one matrix product).</summary>
    Dot,

    /// <summary>The paper's 2-layer feed-forward network over [e_label; e_token] (eq. 2, L = 2), computed factorised.</summary>
    FeedForward,
}
