using PlantFunctions.Model.Text;

namespace PlantFunctions.Model.Priors;

/// <summary>
/// PLANT's static prior alone, with no learning: a code's score is the sum of the association values of its top
/// tokens that occur in the note (binary presence). The baseline every learned model must beat.
/// </summary>
public sealed class PriorScorer(RelevancePriors priors, Vocabulary vocabulary, int tokensPerCode)
{
    private readonly TokenCodeIndex index = priors.Inverse(tokensPerCode);

    /// <summary>Number of codes scored.</summary>
    public int Labels => priors.Labels;

    /// <summary>Scores every code for a note's text.</summary>
    public float[] Score(string text)
    {
        var scores = new float[priors.Labels];
        var seen = new HashSet<int>();
        foreach (int token in vocabulary.Encode(text))
        {
            if (token >= Vocabulary.Reserved.Count && seen.Add(token))
            {
                var codes = index.CodesOf(token);
                var values = index.ValuesOf(token);
                for (int i = 0; i < codes.Length; i++)
                {
                    scores[codes[i]] += values[i];
                }
            }
        }

        return scores;
    }
}
