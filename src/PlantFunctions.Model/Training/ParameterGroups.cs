using PlantFunctions.Model.Networks;
using TorchSharp.Modules;

namespace PlantFunctions.Model.Training;

/// <summary>
/// The classifier's parameter groups, top first: decoder head, our static-mass term (its own rate), ranker, LSTM layers from the last to the first, embedding.
/// Gradual unfreezing opens them in this order; discriminative fine-tuning gives each a rate.
/// </summary>
internal sealed class ParameterGroups
{
    /// <summary>The static-mass term's group.</summary>
    internal const string StaticTerm = "static-term";

    private readonly List<(string Name, Parameter[] Parameters, double RateFactor, int Stage)> groups = [];

    internal ParameterGroups(PlantClassifier model, ClassifierOptions options, bool discriminative)
    {
        int layers = model.Encoder.LayerCount;
        groups.Add(("decoder", [.. model.Decoder.HeadParameters()], 1, 0));
        groups.Add((StaticTerm, [.. model.Decoder.StaticTermParameters()], options.StaticTermRateFactor, 0));
        groups.Add(("ranker", [.. model.Decoder.Ranker.parameters()], discriminative ? options.RankerRateFactor : 1, 0));
        for (int i = layers - 1; i >= 0; i--)
        {
            int depth = layers - i;
            groups.Add(($"lstm{i + 1}", [.. model.Encoder.LayerParameters(i)], discriminative ? Math.Pow(options.EncoderRateDecay, -depth) : 1, depth));
        }

        groups.Add(("embedding", [.. model.Encoder.Embedding.parameters()], discriminative ? Math.Pow(options.EncoderRateDecay, -(layers + 1)) : 1, layers + 1));
    }

    /// <summary>The stage at which every group is open.</summary>
    internal int LastStage => groups.Max(g => g.Stage);

    /// <summary>Names, rate factors and stages, top first.</summary>
    internal IEnumerable<(string Name, Parameter[] Parameters, double RateFactor, int Stage)> All => groups;

    /// <summary>Opens groups up to <paramref name="stage"/> and freezes the rest; returns whether any encoder group is open.</summary>
    internal bool Open(int stage)
    {
        foreach (var (_, parameters, _, groupStage) in groups)
        {
            foreach (var p in parameters)
            {
                p.requires_grad = groupStage <= stage;
                if (!p.requires_grad)
                {
                    // A stale gradient (e.g. left by language-model training) would make AdamW decay a frozen weight.
                    p.grad = null;
                }
            }
        }

        return stage >= 1;
    }
}
