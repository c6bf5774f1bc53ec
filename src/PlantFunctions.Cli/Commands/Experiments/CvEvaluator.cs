using System.Text.Json;
using System.Text.Json.Serialization;
using PlantFunctions.Model.Artifacts;
using PlantFunctions.Model.Evaluation;
using PlantFunctions.Model.Labels;
using PlantFunctions.Model.LabelSpaces;
using PlantFunctions.Model.Networks;
using PlantFunctions.Model.Notes;
using PlantFunctions.Model.Priors;
using PlantFunctions.Model.Text;
using PlantFunctions.Model.Runtime;
using TorchSharp;

namespace PlantFunctions.Cli.Commands.Experiments;

/// <summary>
/// Scores one cross-validation fold: a fold model (or, without one, the prior-only scorer learnt from the fold's
/// training notes) on the held-out notes, in a label space, at each unseen-code offset. Besides the usual metrics it
/// counts the held-out gold codes the fold's training notes never carry ("unseen"): how many of them the label space
/// holds and their recall in each note's top 15.
/// </summary>
internal sealed class CvEvaluator(IcdDescriptions table, string device)
{
    /// <summary>JSON settings of the cached metrics (NaN allowed).</summary>
    public static readonly JsonSerializerOptions Json = new() { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    /// <summary>The metrics of a row, in the CSV's order.</summary>
    public static readonly string[] Metrics =
    [
        "MAP", "P@5", "P@8", "P@15", "R@15", "microF1", "macroF1", "macroF1[1-5]", "macroF1[6-50]", "macroF1[>50]", "macroF1[unseen]",
        "R@15(unseen)", "R@15(unseen among added)", "unseenGold", "unseenInSpace", "labelSpaceCodes", "microF1(per-code thr)",
    ];

    private static readonly IReadOnlyList<FrequencyBucket> Buckets = [new("unseen", 0, 0), .. FrequencyBucket.Default];

    /// <summary>Metrics per unseen-code offset (one entry, offset 0, for the training codes alone or the prior-only scorer).</summary>
    /// <remarks>The prior-only scorer (no <paramref name="modelPath"/>) computes its priors with <paramref name="priorOptions"/> (borrowing settings).</remarks>
    public Dictionary<double, Dictionary<string, double>> Evaluate(string? modelPath, IReadOnlyList<ClinicalNote> train, IReadOnlyList<ClinicalNote> heldOut,
        string space, IReadOnlyList<double> offsets, PriorOptions? priorOptions = null)
    {
        var trainCodes = train.SelectMany(n => n.Codes ?? []).ToHashSet(StringComparer.Ordinal);
        if (modelPath is null)
        {
            var (scores, labels, frequencies) = PriorOnly(train, heldOut, space, priorOptions ?? new PriorOptions());
            return new() { [0] = Score(scores, heldOut, labels, frequencies, trainCodes, null, null) };
        }

        using var file = File.OpenRead(modelPath);
        using var artifact = ModelArtifact.Read(file);
        var extra = new LabelSpace(space).ExtraCodes(artifact.Labels, table);
        var grown = extra.Count == 0 ? null : LabelSpaceExtender.Extend(artifact, train, extra, unseenOffset: 0);
        try
        {
            var model = grown?.Model ?? artifact.Model;
            var labels = grown?.Labels ?? artifact.Labels;
            int[] counts = grown?.Frequencies ?? [.. artifact.Manifest.LabelFrequencies];
            var training = artifact.Manifest.Training;
            var staticAttention = training.StaticAttention
                ? new StaticAttention(grown?.Priors ?? artifact.Priors, artifact.Manifest.Network.StaticTopTokens, training.StaticPerNote) : null;
            var torchDevice = TorchDevices.Resolve(device, ConsoleNotices.Instance);
            model.to(torchDevice);
            var encoded = heldOut.Select(n => EncodedNote.From(n, artifact.Vocabulary, labels, training.NoteStartToken, training.AssertionTerm)).ToList();
            var logits = Predictor.Predict(model, encoded, staticAttention, 8, 0, training.Stateful, torchDevice, attentionWindow: training.AttentionWindow)
                .Select(p => p.Logits).ToArray();
            var thresholds = artifact.Manifest.LogitThresholds();
            var perCode = artifact.Manifest.PerCodeLogitThresholds is { } stored
                ? thresholds with { PerCode = [.. stored, .. Enumerable.Repeat(thresholds.Global, extra.Count)] }
                : null;
            var result = new Dictionary<double, Dictionary<string, double>>();
            foreach (double offset in extra.Count == 0 ? [0.0] : offsets)
            {
                var shifted = logits.Select(row => Shift(row, artifact.Labels.Count, (float)offset)).ToArray();
                result[offset] = Score(shifted, heldOut, labels, counts, trainCodes, thresholds, perCode);
            }

            return result;
        }
        finally
        {
            grown?.Model.Dispose();
        }
    }

    /// <summary>
    /// The prior-only scorer (per code, the sum of its top-5 MI values among the note's tokens) learnt from
    /// <paramref name="train"/>, over the label space: added codes take borrowed priors as a grown model's do.
    /// </summary>
    private (float[][] Scores, LabelSet Labels, int[] Frequencies) PriorOnly(IReadOnlyList<ClinicalNote> train, IReadOnlyList<ClinicalNote> notes, string space,
        PriorOptions options)
    {
        var vocabulary = Vocabulary.Build(train.Select(n => n.Text), new VocabularyOptions { MinCount = 1, MaxSize = int.MaxValue });
        var trained = LabelSet.FromCodes(train.Select(n => n.Codes ?? []), table.Describe);
        var extra = new LabelSpace(space).ExtraCodes(trained, table);
        var labels = new LabelSet([.. trained.Codes, .. extra.Select(e => e.Code)], [.. trained.Descriptions, .. extra.Select(e => e.Description ?? "")]);
        var presence = PresenceCorpus.Build(train, vocabulary, labels);
        var priors = PriorComputation.Compute(presence, vocabulary, labels, options with { StaticTopTokens = 5 }, CodeFamilies.Build(labels, vocabulary));
        var scorer = new PriorScorer(priors, vocabulary, tokensPerCode: 5);
        return ([.. notes.Select(n => scorer.Score(n.Text))], labels, [.. Enumerable.Range(0, labels.Count).Select(c => presence.DocumentsOf(c).Length)]);
    }

    /// <summary>A fold model's logits of the held-out notes over its own codes (for <see cref="CvThresholds"/>).</summary>
    public CvThresholds.FoldScores HeldOutScores(string modelPath, int seed, int fold, IReadOnlyList<ClinicalNote> heldOut)
    {
        using var file = File.OpenRead(modelPath);
        using var artifact = ModelArtifact.Read(file);
        var training = artifact.Manifest.Training;
        var torchDevice = TorchDevices.Resolve(device, ConsoleNotices.Instance);
        artifact.Model.to(torchDevice);
        var encoded = heldOut.Select(n => EncodedNote.From(n, artifact.Vocabulary, artifact.Labels, training.NoteStartToken, training.AssertionTerm)).ToList();
        var logits = Predictor.Predict(artifact.Model, encoded, artifact.StaticAttention, 8, 0, training.Stateful, torchDevice, attentionWindow: training.AttentionWindow)
            .Select(p => p.Logits).ToArray();
        return new CvThresholds.FoldScores(seed, fold, [.. artifact.Labels.Codes], [.. heldOut.Select(n => n.Id)], logits, [.. heldOut.Select(n => (n.Codes ?? []).ToArray())]);
    }

    /// <summary>A row with the added codes' logits (from <paramref name="trained"/> on) moved by the offset, as their bias would move them.</summary>
    private static float[] Shift(float[] row, int trained, float offset)
    {
        var shifted = (float[])row.Clone();
        for (int i = trained; i < shifted.Length; i++)
        {
            shifted[i] += offset;
        }

        return shifted;
    }

    private static Dictionary<string, double> Score(float[][] scores, IReadOnlyList<ClinicalNote> heldOut, LabelSet labels, int[] frequencies,
        HashSet<string> trainCodes, ThresholdSelection? thresholds, ThresholdSelection? perCode)
    {
        var gold = heldOut.Select(n => (IEnumerable<string>)(n.Codes ?? [])).ToList();
        var set = EvaluationSet.FromCodes(scores, gold, labels);
        var chosen = thresholds ?? ThresholdTuner.TuneGlobal(set);
        var metrics = IcdEvaluator.Evaluate(set, chosen, new EvaluationOptions { TrainingFrequencies = frequencies, Buckets = Buckets }).ToDictionary();
        if (perCode is not null)
        {
            metrics["microF1(per-code thr)"] = IcdEvaluator.Evaluate(set, perCode).MicroF1;
        }

        // Unseen gold codes: their recall in the note's top 15 of all codes, and among the added codes alone (how well the
        // borrowed evidence ranks them, whatever the calibration against the trained codes).
        int unseen = 0, inSpace = 0, hits = 0, addedHits = 0;
        var added = Enumerable.Range(0, labels.Count).Where(c => frequencies[c] == 0).ToArray();
        for (int note = 0; note < heldOut.Count; note++)
        {
            var row = scores[note];
            var top = Enumerable.Range(0, labels.Count).OrderByDescending(c => row[c]).ThenBy(c => c).Take(15).ToHashSet();
            var topAdded = added.OrderByDescending(c => row[c]).ThenBy(c => c).Take(15).ToHashSet();
            foreach (string code in (heldOut[note].Codes ?? []).Distinct(StringComparer.Ordinal).Where(c => !trainCodes.Contains(c)))
            {
                unseen++;
                int index = labels.IndexOf(code);
                inSpace += index >= 0 ? 1 : 0;
                hits += index >= 0 && top.Contains(index) ? 1 : 0;
                addedHits += index >= 0 && topAdded.Contains(index) ? 1 : 0;
            }
        }

        metrics["R@15(unseen among added)"] = unseen == 0 || added.Length == 0 ? double.NaN : addedHits / (double)unseen;

        metrics["unseenGold"] = unseen;
        metrics["unseenInSpace"] = unseen == 0 ? double.NaN : inSpace / (double)unseen;
        metrics["R@15(unseen)"] = unseen == 0 ? double.NaN : hits / (double)unseen;
        metrics["labelSpaceCodes"] = labels.Count;
        return metrics;
    }
}
