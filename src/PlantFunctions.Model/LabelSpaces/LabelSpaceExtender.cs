using PlantFunctions.Model.Artifacts;
using PlantFunctions.Model.Labels;
using PlantFunctions.Model.Networks;
using PlantFunctions.Model.Notes;
using PlantFunctions.Model.Priors;
using PlantFunctions.Model.Text;
using PlantFunctions.Model.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace PlantFunctions.Model.LabelSpaces;

/// <summary>A trained model grown to a larger label space: the trained codes first, in their order, then the added ones.</summary>
/// <param name="Labels">Trained codes, then added codes, with their own descriptions.</param>
/// <param name="Priors">The trained priors, then the added codes' borrowed ones.</param>
/// <param name="Model">The classifier: trained codes' parameters as trained, added codes' built from their descriptions and families.</param>
/// <param name="Frequencies">Training notes per code (0 for every added code).</param>
public sealed record ExtendedModel(LabelSet Labels, RelevancePriors Priors, PlantClassifier Model, int[] Frequencies);

/// <summary>
/// Scores codes no training note carries (a <see cref="LabelSpace"/> beyond the training codes) from their descriptions
/// and ICD families, leaving every trained code's parameters as they were.
/// <list type="bullet">
/// <item>S and the static-mass term: the added code's MI tokens come from borrowed counts (its family's notes as
/// fractional notes, its description as a pseudo-note; <see cref="PriorComputation"/>).</item>
/// <item>A's query u, the output weights w and P's ranker embedding r: each through a <see cref="DescriptionMapping"/>
/// fitted on the trained codes, from the code's features x = [d, m, f, 1{f}]: d the mean tied embedding of its
/// description's tokens, m the MI-weighted mean embedding of its strongest MI tokens, f the mean trained row of the other
/// codes of its family (0 when none was trained).</item>
/// <item>Bias and static-mass weight: the mean of the trained codes seen least often (an added code is rarer still), the
/// bias moved by the offset <see cref="TrainingOptions.UnseenCodeOffset"/>; the ranker's code bias does not change P
/// (a softmax over one code's tokens) and takes the trained mean.</item>
/// </list>
/// </summary>
public static class LabelSpaceExtender
{
    private const string Queries = "decoder.label_attention";
    private const string Boost = "decoder.boost";
    private const string Bias = "decoder.bias";
    private const string StaticScale = "decoder.static_scale";
    private const string RankerCodes = "decoder.ranker.codes.weight";
    private const string RankerCodeBias = "decoder.ranker.code_bias.weight";

    /// <summary>
    /// Grows <paramref name="model"/> (trained on <paramref name="labels"/>) by <paramref name="extra"/>; the borrowed
    /// priors are counted on <paramref name="trainingNotes"/>, the notes the model's priors came from.
    /// </summary>
    public static ExtendedModel Extend(PlantClassifier model, TrainingOptions options, Vocabulary vocabulary, LabelSet labels, RelevancePriors priors,
        IReadOnlyList<int> frequencies, IReadOnlyList<ClinicalNote> trainingNotes, IReadOnlyList<(string Code, string? Description)> extra,
        PriorOptions priorOptions, double unseenOffset)
    {
        if (options.CategorySharing)
        {
            throw new ArgumentException("a label space beyond the training codes does not work with category sharing: train without one of them");
        }

        int trained = labels.Count;
        var extended = new LabelSet([.. labels.Codes, .. extra.Select(e => e.Code)], [.. labels.Descriptions, .. extra.Select(e => e.Description ?? "")]);
        var families = CodeFamilies.Build(extended, vocabulary);
        var presence = PresenceCorpus.Build(trainingNotes, vocabulary, extended);
        var borrowed = PriorComputation.Compute(presence, vocabulary, extended, priorOptions, families, include: code => code >= trained);
        var extendedPriors = RelevancePriors.Extend(priors, borrowed);

        var grown = ModelArtifact.CreateModel(model.Config, vocabulary.Count, extended, options);
        try
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var old = model.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter.cpu());
            var rows = NewRows(old, frequencies, extendedPriors, families, trained, unseenOffset);
            foreach (var (name, parameter) in grown.named_parameters())
            {
                var source = old[name];
                if (source.shape.SequenceEqual(parameter.shape))
                {
                    parameter.copy_(source);
                }
                else
                {
                    parameter.copy_(cat([source, rows[name].to(source.dtype)], 0));
                }
            }
        }
        catch
        {
            grown.Dispose();
            throw;
        }

        grown.eval();
        return new ExtendedModel(extended, extendedPriors, grown, [.. frequencies, .. new int[extra.Count]]);
    }

    /// <summary>Grows a loaded model file's model by <paramref name="extra"/>, with the priors settings it was trained with.</summary>
    public static ExtendedModel Extend(ModelArtifact artifact, IReadOnlyList<ClinicalNote> trainingNotes, IReadOnlyList<(string Code, string? Description)> extra,
        double unseenOffset) =>
        Extend(artifact.Model, artifact.Manifest.Training, artifact.Vocabulary, artifact.Labels, artifact.Priors, [.. artifact.Manifest.LabelFrequencies],
            trainingNotes, extra, TrainingPlan.For(artifact.Manifest.Training).Priors, unseenOffset);

    /// <summary>
    /// The model file of <paramref name="grown"/>, grown from <paramref name="artifact"/> with <paramref name="labelSpace"/>
    /// and <paramref name="unseenOffset"/>: the manifest names the new label set; added codes take the global threshold;
    /// coding's default <paramref name="shortlist"/> (0: none) is stored with it.
    /// </summary>
    public static byte[] Write(ModelArtifact artifact, ExtendedModel grown, string labelSpace, double unseenOffset, int shortlist = Coding.CodingOptions.DefaultShortlist)
    {
        var manifest = artifact.Manifest;
        int added = grown.Labels.Count - artifact.Labels.Count;
        var global = manifest.LogitThresholds().Global;
        var grownManifest = manifest with
        {
            LabelHash = grown.Labels.Hash,
            LabelFrequencies = grown.Frequencies,
            PerCodeLogitThresholds = manifest.PerCodeLogitThresholds is { } perCode ? [.. perCode, .. Enumerable.Repeat(global, added)] : null,
            Training = manifest.Training with { LabelSpace = labelSpace, UnseenCodeOffset = unseenOffset },
            Metrics = new Dictionary<string, double>(manifest.Metrics) { ["labelSpaceCodes"] = grown.Labels.Count },
            Shortlist = shortlist > 0 ? shortlist : null,
        };
        return ModelArtifact.Write(grownManifest, artifact.Vocabulary, grown.Labels, grown.Priors, grown.Model);
    }

    /// <summary>
    /// The features [codes, 3 x dimension + 1] of every code of <paramref name="families"/> for one parameter: d (the mean
    /// tied embedding of its description's tokens), m (<see cref="PlantedQueries.Mix"/>: the MI-weighted mean embedding of its strongest MI tokens), f (the mean of <paramref name="trainedRows"/> over the other trained codes of its family),
    /// each 0 when it has nothing to average, and 1 when f exists.
    /// </summary>
    public static Tensor Features(Tensor embedding, RelevancePriors priors, CodeFamilies families, Tensor trainedRows)
    {
        int codes = families.Codes, trained = (int)trainedRows.shape[0];
        int dimension = (int)embedding.shape[1], width = (3 * dimension) + 1;
        float[] table = embedding.to(ScalarType.Float32).cpu().data<float>().ToArray();
        float[] learnt = trainedRows.to(ScalarType.Float32).cpu().data<float>().ToArray();
        using var mixes = PlantedQueries.Mix(embedding, priors);
        float[] mix = mixes.data<float>().ToArray();
        var features = new float[(long)codes * width];
        for (int code = 0; code < codes; code++)
        {
            var row = features.AsSpan(code * width, width);
            var tokens = families.DescriptionTokensOf(code);
            foreach (int token in tokens)
            {
                AddScaled(row[..dimension], table.AsSpan(token * dimension, dimension), 1f / tokens.Length);
            }

            mix.AsSpan(code * dimension, dimension).CopyTo(row.Slice(dimension, dimension));

            int others = 0;
            foreach (int member in families.FamilyOf(code))
            {
                others += member != code && member < trained ? 1 : 0;
            }

            foreach (int member in families.FamilyOf(code))
            {
                if (member != code && member < trained)
                {
                    AddScaled(row.Slice(2 * dimension, dimension), learnt.AsSpan(member * dimension, dimension), 1f / others);
                }
            }

            row[^1] = others > 0 ? 1 : 0;
        }

        return tensor(features, [codes, width]);
    }

    private static void AddScaled(Span<float> target, ReadOnlySpan<float> source, float scale)
    {
        for (int i = 0; i < target.Length; i++)
        {
            target[i] += source[i] * scale;
        }
    }

    /// <summary>The added codes' rows of every per-code parameter, keyed by state-dict name.</summary>
    private static Dictionary<string, Tensor> NewRows(Dictionary<string, Tensor> old, IReadOnlyList<int> frequencies, RelevancePriors priors,
        CodeFamilies families, int trained, double unseenOffset)
    {
        var embedding = old["encoder.embedding.weight"];
        var added = tensor(Enumerable.Range(trained, families.Codes - trained).Select(c => (long)c).ToArray());
        var rows = new Dictionary<string, Tensor>();
        foreach (string name in new[] { Queries, Boost, RankerCodes })
        {
            if (!old.TryGetValue(name, out var learnt))
            {
                continue;
            }

            var features = Features(embedding, priors, families, learnt);
            using var mapping = DescriptionMapping.Fit(features.narrow(0, 0, trained), learnt);
            rows[name] = mapping.Predict(features.index_select(0, added));
        }

        // The rarest trained codes stand for an added code's bias and static-mass weight.
        int rarest = frequencies.Where(f => f > 0).DefaultIfEmpty(0).Min();
        var rare = tensor(Enumerable.Range(0, trained).Where(c => frequencies[c] == rarest).Select(c => (long)c).ToArray());
        long count = families.Codes - trained;
        rows[Bias] = tensor(Enumerable.Repeat(old[Bias].index_select(0, rare).mean().item<float>() + (float)unseenOffset, (int)count).ToArray());
        rows[StaticScale] = tensor(Enumerable.Repeat(old[StaticScale].index_select(0, rare).mean().item<float>(), (int)count).ToArray());
        if (old.TryGetValue(RankerCodeBias, out var codeBias))
        {
            rows[RankerCodeBias] = codeBias.mean([0], keepdim: true).expand(count, codeBias.shape[1]).contiguous();
        }

        return rows;
    }
}
