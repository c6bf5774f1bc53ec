using PlantFunctions.Model.Priors;
using static TorchSharp.torch;

namespace PlantFunctions.Model.Networks;

/// <summary>
/// Each code's MI-weighted mean tied embedding of its strongest MI tokens: with tied weights the language model scores
/// token t after a position's features h as h . e_t, so h . (sum_t p_t e_t) is the mixture of the code's words the model
/// expects there. The planted start for A's queries (<see cref="Training.TrainingOptions.PlantedQueries"/>) and a
/// feature of codes added by a label space.
/// </summary>
public static class PlantedQueries
{
    /// <summary>Strongest MI tokens per code in the mix.</summary>
    public const int Tokens = 16;

    /// <summary>The mixes [codes, dimension] of <paramref name="priors"/>' codes over <paramref name="embedding"/> [vocabulary, dimension]; 0 for a code without tokens.</summary>
    public static Tensor Mix(Tensor embedding, RelevancePriors priors)
    {
        int dimension = (int)embedding.shape[1];
        float[] table = embedding.detach().to(ScalarType.Float32).cpu().data<float>().ToArray();
        var mixes = new float[(long)priors.Labels * dimension];
        for (int code = 0; code < priors.Labels; code++)
        {
            var tokens = priors.TokensOf(code);
            var values = priors.ValuesOf(code);
            int k = Math.Min(Tokens, tokens.Length);
            float total = 0;
            for (int i = 0; i < k; i++)
            {
                total += values[i];
            }

            var row = mixes.AsSpan(code * dimension, dimension);
            for (int i = 0; i < k && total > 0; i++)
            {
                var source = table.AsSpan(tokens[i] * dimension, dimension);
                float weight = values[i] / total;
                for (int j = 0; j < dimension; j++)
                {
                    row[j] += source[j] * weight;
                }
            }
        }

        return tensor(mixes, [priors.Labels, dimension]);
    }
}
