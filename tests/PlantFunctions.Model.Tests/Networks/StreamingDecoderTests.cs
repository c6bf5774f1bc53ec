using PlantFunctions.Model.Assertions;
using PlantFunctions.Model.Labels;
using PlantFunctions.Model.Networks;
using PlantFunctions.Model.Priors;
using PlantFunctions.Model.Ranking;
using PlantFunctions.Model.Text;
using static TorchSharp.torch;

namespace PlantFunctions.Model.Tests.Networks;

[Collection(TorchCollection.Name)]
public sealed class StreamingDecoderTests
{
    private const int Vocab = 30, Codes = 6, Features = 4;

    [Theory]
    [InlineData(true, true, true)]
    [InlineData(true, true, false)]
    [InlineData(false, false, false)]
    [InlineData(true, false, false)]
    [InlineData(false, true, true)]
    [InlineData(true, true, true, false)]
    [InlineData(true, true, true, true, true)]
    [InlineData(false, true, true, true, true)]
    public void Logits_StreamedOverChunks_EqualFullSequenceAttention_ValuesAndGradients(bool useStatic, bool planted, bool inattention, bool staticTerm = true,
        bool paperInattention = false)
    {
        manual_seed(21);
        var notes = new[] { RandomNote(23, 1), RandomNote(17, 2), RandomNote(3, 3) };
        var staticAttention = Static(notes);
        using var decoder = NewDecoder(new DecoderSwitches(useStatic, planted, inattention, InattentionK: 4, staticTerm, paperInattention));
        using var batch = new NoteBatch(notes, useStatic ? staticAttention : null, CPU);
        var h = randn(batch.Count, batch.Length, Features);

        Assert.NotEmpty(staticAttention.Entries(notes[0]));
        var streamed = Streamed(decoder, batch, h, chunk: 5);
        var streamedGrads = Gradients(decoder, streamed);
        var full = Full(decoder, batch, h, staticAttention, useStatic, planted, inattention);
        var fullGrads = Gradients(decoder, full);

        Assert.True(streamed.allclose(full, rtol: 1e-4, atol: 1e-5), $"streamed {Show(streamed)} vs full {Show(full)}");
        for (int i = 0; i < fullGrads.Count; i++)
        {
            Assert.True(streamedGrads[i].allclose(fullGrads[i], rtol: 1e-3, atol: 1e-5), $"gradient {i} differs");
        }
    }

    [Fact]
    public void CategorySharing_EqualsADecoderWhoseRowsHoldTheSums_AndEachCategoryRowGetsItsCodesSummedGradient()
    {
        manual_seed(13);
        var notes = new[] { RandomNote(23, 1), RandomNote(9, 2) };
        var staticAttention = Static(notes);
        var switches = new DecoderSwitches(true, true, false, InattentionK: 4);
        // Codes 0, 1 share "a01"; 3, 4, 5 share "c03"; code 2 is alone in "b02".
        var categories = CodeCategories.Of(["a01.1", "a01.2", "b02", "c03.1", "c03.2", "c03.9"]);
        using var shared = NewDecoder(switches, categories);
        using var plain = NewDecoder(switches);
        using (no_grad())
        {
            foreach (var (name, parameter) in plain.named_parameters())
            {
                parameter.copy_(shared.get_parameter(name)!);
            }

            plain.LabelAttention.copy_(shared.AttentionQueries());
            plain.Boost.copy_(shared.OutputWeights());
        }

        using var batch = new NoteBatch(notes, staticAttention, CPU);
        var h = randn(batch.Count, batch.Length, Features);

        var sharedLogits = Streamed(shared, batch, h, chunk: 5);
        Gradients(shared, sharedLogits);
        var plainLogits = Streamed(plain, batch, h, chunk: 5);
        Gradients(plain, plainLogits);

        Assert.True(sharedLogits.allclose(plainLogits, rtol: 1e-5, atol: 1e-6), $"shared {Show(sharedLogits)} vs plain {Show(plainLogits)}");
        Assert.True(shared.AttentionQueries()[2].equal(shared.LabelAttention[2]).all().item<bool>(), "a code in no category took a category row");
        Assert.True(shared.LabelAttention.grad!.allclose(plain.LabelAttention.grad!, rtol: 1e-4, atol: 1e-6));
        Assert.True(shared.Boost.grad!.allclose(plain.Boost.grad!, rtol: 1e-4, atol: 1e-6));
        foreach (var (group, codes) in new[] { (0, new long[] { 0, 1 }), (1, new long[] { 3, 4, 5 }) })
        {
            var members = tensor(codes, dtype: ScalarType.Int64);
            Assert.True(shared.CategoryAttention!.grad!.select(0, group).allclose(plain.LabelAttention.grad!.index_select(0, members).sum(dim: 0), rtol: 1e-4, atol: 1e-6),
                $"category {group}'s attention gradient is not its codes' sum");
            Assert.True(shared.CategoryBoost!.grad!.select(0, group).allclose(plain.Boost.grad!.index_select(0, members).sum(dim: 0), rtol: 1e-4, atol: 1e-6),
                $"category {group}'s output gradient is not its codes' sum");
        }
    }

    [Fact]
    public void AttentionWindow_AttendsExactlyAsOverTheNotesLastTokensAlone()
    {
        manual_seed(17);
        const int length = 20, window = 6;
        var notes = new[] { RandomNote(length, 11), RandomNote(length, 12) };
        var staticAttention = Static(notes);
        using var decoder = NewDecoder(new DecoderSwitches(true, true, true, InattentionK: 3));
        using var windowed = new NoteBatch(notes, staticAttention, CPU, attentionWindow: window);
        using var tails = new NoteBatch([.. notes.Select(n => n[^window..])], staticAttention, CPU);
        var h = randn(2, length, Features);

        var logits = Streamed(decoder, windowed, h, chunk: 4);
        var tailLogits = Streamed(decoder, tails, h.narrow(1, length - window, window), chunk: 4);

        Assert.Equal(2 * window, windowed.Valid.sum().item<long>());
        Assert.True(windowed.Valid.narrow(1, length - window, window).all().item<bool>());
        Assert.True(logits.allclose(tailLogits, rtol: 1e-4, atol: 1e-5), $"windowed {Show(logits)} vs tails {Show(tailLogits)}");
    }

    [Fact]
    public void Classifier_ChunkedWithCarriedState_EqualsOneSpanOverTheWholeNote()
    {
        manual_seed(5);
        var notes = new[] { RandomNote(40, 7), RandomNote(31, 8) };
        var config = NetworkConfig.Tiny with { EmbeddingSize = Features, HiddenSize = 8, Layers = 2 };
        using var decoder = NewDecoder(new DecoderSwitches(true, true, true, 4));
        using var encoder = new AwdLstm(Vocab, Features, 8, 2);
        using var chunked = new PlantClassifier(encoder, decoder, config with { Bptt = 7 }) { MaxSpanTokens = 7 };
        using var spans = new PlantClassifier(encoder, decoder, config with { Bptt = 7 }) { MaxSpanTokens = 14 };
        using var whole = new PlantClassifier(encoder, decoder, config with { Bptt = 1000 });
        chunked.eval();
        spans.eval();
        whole.eval();
        using var batch = new NoteBatch(notes, Static(notes), CPU);

        var (a, evidence) = chunked.Infer(batch, evidencePerCode: 3);
        var (b, _) = spans.Infer(batch, evidencePerCode: 3);
        var (c, wholeEvidence) = whole.Infer(batch, evidencePerCode: 3);

        Assert.True(a.allclose(c, rtol: 1e-4, atol: 1e-5), $"chunked {Show(a)} vs whole {Show(c)}");
        Assert.True(b.allclose(c, rtol: 1e-4, atol: 1e-5), $"spans {Show(b)} vs whole {Show(c)}");
        Assert.Equal(Codes, evidence![0].Count);
        Assert.All(evidence[0].Values, e => Assert.Equal(3, e.Positions.Length));
        Assert.All(evidence[0].Values, e => Assert.True(e.Weights[0] >= e.Weights[2]));
        Assert.All(evidence.SelectMany(r => r.Values), e => Assert.All(e.Positions, p => Assert.InRange(p, 0, 39)));
        Assert.Equal(wholeEvidence![1][2].Positions, evidence[1][2].Positions);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Evidence_ForTheCodesAsked_IsTheTopOfTheFullAttentionMaps(bool paperInattention)
    {
        manual_seed(9);
        var notes = new[] { RandomNote(29, 4), RandomNote(12, 5) };
        var staticAttention = Static(notes);
        using var decoder = NewDecoder(new DecoderSwitches(true, true, true, InattentionK: 4, PaperInattention: paperInattention));
        using var batch = new NoteBatch(notes, staticAttention, CPU);
        var h = randn(batch.Count, batch.Length, Features);
        using var noGrad = no_grad();
        using var pass = new DecoderPass(decoder, batch, Features) { KeepsSpansForEvidence = true };
        for (int start = 0; start < batch.Length; start += 5)
        {
            pass.Add(h.narrow(1, start, Math.Min(5, batch.Length - start)), start);
        }

        pass.Logits();
        var asked = new IReadOnlyList<int>[] { [1, 4], [0] };
        var evidence = pass.Evidence(4, asked);
        var maps = FullMaps(decoder, batch, h, staticAttention);                          // [B, T, L]

        for (int row = 0; row < 2; row++)
        {
            Assert.Equal(asked[row].Order(), evidence[row].Keys.Order());
            foreach (int code in asked[row])
            {
                var column = maps[row, .., code].narrow(0, 0, notes[row].Length);
                var (weights, positions) = column.topk(4);
                Assert.Equal(positions.data<long>().Select(p => (int)p), evidence[row][code].Positions);
                Assert.True(tensor(evidence[row][code].Weights).allclose(weights, rtol: 1e-4, atol: 1e-6));
            }
        }
    }

    [Fact]
    public void AssertionTerm_StreamedOverChunks_EqualsEachCategorysShareOfTheFullAttentionMaps_ValuesAndGradients()
    {
        manual_seed(17);
        var notes = new[] { RandomNote(23, 1), RandomNote(17, 2), RandomNote(3, 3) };
        var random = new Random(5);
        var tags = notes.Select(n => n.Select(_ => (Assertion)random.Next(5)).ToArray()).ToArray();
        tags[2] = [];                                                                           // a note without tags: all affirmed
        var staticAttention = Static(notes);
        using var decoder = NewDecoder(new DecoderSwitches(true, true, true, InattentionK: 4, AssertionTerm: true));
        using var batch = new NoteBatch(notes, staticAttention, CPU, assertions: tags);
        var h = randn(batch.Count, batch.Length, Features);

        var streamed = Streamed(decoder, batch, h, chunk: 5);
        var streamedGrads = Gradients(decoder, streamed);
        // The reference: per category, the summed A + S + P weight of its positions over the summed weight of all positions.
        var categories = NoteBatch.AssertionCategories;
        var mask = zeros(batch.Count, batch.Length, categories.Count);
        for (int b = 0; b < notes.Length; b++)
        {
            for (int t = 0; t < tags[b].Length; t++)
            {
                int k = Array.IndexOf([.. categories], tags[b][t]);
                if (k >= 0)
                {
                    mask[b, t, k] = 1;
                }
            }
        }

        var maps = FullMaps(decoder, batch, h, staticAttention);                               // [B, T, L]
        var share = maps.transpose(1, 2).bmm(mask) / maps.sum(1).unsqueeze(-1);                // [B, L, categories]
        var full = Full(decoder, batch, h, staticAttention, true, true, true) + share.matmul(decoder.AssertionWeights!);
        var fullGrads = Gradients(decoder, full);

        Assert.True(decoder.AssertionWeights!.abs().sum().item<float>() > 0);
        Assert.True(share[0].sum().item<float>() > 0 && share[2].abs().sum().item<float>() == 0);
        Assert.True(streamed.allclose(full, rtol: 1e-4, atol: 1e-5), $"streamed {Show(streamed)} vs full {Show(full)}");
        Assert.Equal(fullGrads.Count, streamedGrads.Count);
        for (int i = 0; i < fullGrads.Count; i++)
        {
            Assert.True(streamedGrads[i].allclose(fullGrads[i], rtol: 1e-3, atol: 1e-5), $"gradient {i} differs");
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void CodeSubset_GivesEachOfItsCodesTheLogitAndEvidenceOfThePassOverEveryCode(bool paperInattention)
    {
        manual_seed(23);
        var notes = new[] { RandomNote(29, 4), RandomNote(12, 5) };
        var random = new Random(8);
        var tags = notes.Select(n => n.Select(_ => (Assertion)random.Next(5)).ToArray()).ToArray();
        using var decoder = NewDecoder(new DecoderSwitches(true, true, true, InattentionK: 4, PaperInattention: paperInattention, AssertionTerm: true));
        using var batch = new NoteBatch(notes, Static(notes), CPU, assertions: tags);
        var h = randn(batch.Count, batch.Length, Features);
        int[] subset = [4, 1, 5];
        using var noGrad = no_grad();
        using var all = new DecoderPass(decoder, batch, Features) { KeepsSpansForEvidence = true };
        using var some = new DecoderPass(decoder, batch, Features, subset) { KeepsSpansForEvidence = true };
        for (int start = 0; start < batch.Length; start += 5)
        {
            all.Add(h.narrow(1, start, Math.Min(5, batch.Length - start)), start);
            some.Add(h.narrow(1, start, Math.Min(5, batch.Length - start)), start);
        }

        var expected = all.Logits().index_select(1, tensor(subset.Select(c => (long)c).ToArray()));
        var actual = some.Logits();
        var asked = new IReadOnlyList<int>[] { [1, 4], [5, 0] };
        var expectedEvidence = all.Evidence(3, asked);
        var actualEvidence = some.Evidence(3, asked);

        Assert.True(actual.allclose(expected, rtol: 1e-5, atol: 1e-6), $"subset {Show(actual)} vs all {Show(expected)}");
        Assert.Equal([1, 4], actualEvidence[0].Keys.Order());
        Assert.Equal([5], actualEvidence[1].Keys);                                            // code 0 is not in the subset
        foreach (var (row, code) in new[] { (0, 1), (0, 4), (1, 5) })
        {
            Assert.Equal(expectedEvidence[row][code].Positions, actualEvidence[row][code].Positions);
            Assert.True(tensor(actualEvidence[row][code].Weights).allclose(tensor(expectedEvidence[row][code].Weights), rtol: 1e-5, atol: 1e-6));
        }
    }

    [Fact]
    public void ShortlistScores_AreTheDecodersLogitsWithUniformLearnedAttention_AndSOnTheStrongestTokensMeanFeature()
    {
        manual_seed(29);
        var notes = new[] { RandomNote(23, 1), RandomNote(9, 2) };
        var staticAttention = Static(notes);
        using var decoder = NewDecoder(new DecoderSwitches(true, true, false, InattentionK: 4));
        using var batch = new NoteBatch(notes, staticAttention, CPU);
        var h = randn(batch.Count, batch.Length, Features);
        using var noGrad = no_grad();
        using var cheap = new ShortlistScores(decoder, batch, Features);
        for (int start = 0; start < batch.Length; start += 5)
        {
            cheap.Add(h.narrow(1, start, Math.Min(5, batch.Length - start)), start);
        }

        // By brute force over positions: uniform attention for A and for P (the note's mean feature, twice); for S, per code
        // its mass (weight summed over its entries' occurrences) on the mean feature of the token with its largest weight.
        var valid = batch.Valid.unsqueeze(-1).to(ScalarType.Float32);
        var total = (2 * (h * valid).sum(1) / valid.sum(1)).unsqueeze(1).expand(batch.Count, Codes, Features).clone();
        var mass = zeros(batch.Count, Codes);
        int checkedCodes = 0;
        for (int b = 0; b < batch.Count; b++)
        {
            var entries = staticAttention.Entries(notes[b]).ToList();
            foreach (var group in entries.GroupBy(e => e.Code))
            {
                int token = notes[b][group.OrderByDescending(e => e.Weight).ThenBy(e => e.Position).First().Position];
                var positions = Enumerable.Range(0, notes[b].Length).Where(t => notes[b][t] == token).ToArray();
                var tokenMean = h[b].index_select(0, tensor(positions.Select(p => (long)p).ToArray())).mean([0]);
                float codeMass = group.Sum(e => e.Weight);
                mass[b, group.Key] = codeMass;
                total[b, group.Key] += codeMass * tokenMean;
                checkedCodes++;
            }
        }

        var expected = (total * decoder.Boost).sum(-1) + decoder.Bias + (decoder.StaticScale * mass);

        Assert.True(checkedCodes > 3, "the notes touch too few codes through S");
        Assert.True(cheap.Scores().allclose(expected, rtol: 1e-4, atol: 1e-4), $"cheap {Show(cheap.Scores())} vs brute force {Show(expected)}");
    }

    [Fact]
    public void Classifier_WithAShortlist_GivesTheShortlistedCodesTheirExactLogitsAndEvidence_AndTheRestLower()
    {
        manual_seed(31);
        var notes = new[] { RandomNote(40, 6), RandomNote(14, 7), RandomNote(27, 8) };
        var staticAttention = Static(notes);
        var config = NetworkConfig.Tiny with { EmbeddingSize = Features, HiddenSize = 8, Layers = 2, Bptt = 6 };
        using var decoder = NewDecoder(new DecoderSwitches(true, true, true, 4));
        using var encoder = new AwdLstm(Vocab, Features, 8, 2);
        using var model = new PlantClassifier(encoder, decoder, config) { MaxSpanTokens = 12 };
        model.eval();
        var groups = notes.Select(n => new NoteBatch([n], staticAttention, CPU)).ToList();
        const int Shortlist = 4;

        var exact = model.Infer(groups, 3, stateful: true);
        var shortlisted = model.Infer(groups, 3, stateful: true, shortlist: Shortlist);

        for (int g = 0; g < groups.Count; g++)
        {
            var full = exact[g].Logits[0].data<float>().ToArray();
            var cut = shortlisted[g].Logits[0].data<float>().ToArray();
            var kept = Enumerable.Range(0, Codes).Where(c => Math.Abs(full[c] - cut[c]) <= 1e-4 * Math.Max(1, Math.Abs(full[c]))).ToList();
            Assert.True(kept.Count >= Shortlist, $"note {g}: only {kept.Count} codes have their exact logit");
            var evidence = shortlisted[g].Evidence![0];
            Assert.Equal(Shortlist, evidence.Count);                                           // every shortlisted code, no other
            Assert.All(evidence.Keys, c => Assert.Contains(c, kept));
            foreach (int code in evidence.Keys)
            {
                Assert.Equal(exact[g].Evidence![0][code].Positions, evidence[code].Positions);
            }

            float lowestKept = evidence.Keys.Min(c => cut[c]);
            Assert.All(Enumerable.Range(0, Codes).Except(evidence.Keys), c => Assert.True(cut[c] < lowestKept, $"code {c} off the shortlist ranks above a shortlisted one"));
        }

        groups.ForEach(b => b.Dispose());
    }

    [Fact]
    public void AssertionTerm_WithoutTheBatchsTags_IsRefusedByName()
    {
        var notes = new[] { RandomNote(8, 1) };
        using var decoder = NewDecoder(new DecoderSwitches(false, false, false, InattentionK: 4, AssertionTerm: true));
        using var batch = new NoteBatch(notes, null, CPU);

        var error = Assert.Throws<ArgumentException>(() => new DecoderPass(decoder, batch, Features));
        Assert.Contains("assertion tags", error.Message);
    }

    [Fact]
    public void Training_ShortNoteBesideALongOne_KeepsItsGradientThroughTheConstantChunksAfterIt()
    {
        manual_seed(3);
        var notes = new[] { RandomNote(6, 1), RandomNote(60, 2) };
        var config = NetworkConfig.Tiny with { EmbeddingSize = Features, HiddenSize = 8, Layers = 2, Bptt = 6 };
        using var decoder = NewDecoder(new DecoderSwitches(true, true, true, 4));
        using var encoder = new AwdLstm(Vocab, Features, 8, 2);
        using var model = new PlantClassifier(encoder, decoder, config) { MaxSpanTokens = 6 };
        model.train();
        using var batch = new NoteBatch(notes, Static(notes), CPU);

        // Window 12: chunk 0 is differentiable (the short note's whole text), chunks 1-7 are constants, 8-9 differentiable.
        var logits = model.Logits(batch, new ClassifierRun(Stateful: true, EncoderFrozen: false, GradientWindow: 12));
        model.zero_grad();
        logits[0].sum().backward();

        Assert.True(decoder.LabelAttention.grad!.abs().sum().item<float>() > 0, "the short note's attention got no gradient");
        Assert.True(encoder.Embedding.weight!.grad!.abs().sum().item<float>() > 0, "the short note's encoder got no gradient");
    }

    private static Tensor Streamed(PlantDecoder decoder, NoteBatch batch, Tensor h, int chunk)
    {
        using var pass = new DecoderPass(decoder, batch, Features);
        for (int start = 0; start < batch.Length; start += chunk)
        {
            pass.Add(h.narrow(1, start, Math.Min(chunk, batch.Length - start)), start);
        }

        return pass.Logits();
    }

    private static Tensor Full(PlantDecoder d, NoteBatch batch, Tensor h, StaticAttention staticAttention, bool useStatic, bool planted, bool inattention)
    {
        var invalid = batch.Valid.logical_not().unsqueeze(-1);                       // [B, T, 1]
        var a = softmax(h.matmul(d.LabelAttention.t()).masked_fill(invalid, float.NegativeInfinity), 1);
        var total = a.transpose(1, 2).bmm(h);
        var logits = d.Bias.unsqueeze(0).expand(batch.Count, Codes);
        if (useStatic)
        {
            var s = zeros(batch.Count, batch.Length, Codes);
            for (int b = 0; b < batch.Count; b++)
            {
                int[] ids = [.. batch.Tokens[b].data<long>().Take(batch.Lengths[b]).Select(x => (int)x)];
                foreach (var (position, code, weight) in staticAttention.Entries(ids))
                {
                    s[b, position, code] += weight;
                }
            }

            total = total + s.transpose(1, 2).bmm(h);
            if (d.Switches.StaticMassTerm)
            {
                logits = logits + (d.StaticScale * s.sum(1));
            }
        }

        if (planted)
        {
            var r = d.Ranker.ScoreAllCodes(batch.Tokens.reshape(-1)).reshape(batch.Count, batch.Length, Codes).masked_fill(invalid, float.NegativeInfinity);
            if (inattention)
            {
                int k = d.Switches.InattentionK;
                var threshold = r.detach().topk(k, dim: 1).Item1.select(1, k - 1).unsqueeze(1);   // k-th largest over the whole note
                r = d.Switches.PaperInattention
                    ? r.masked_fill((r.detach() <= threshold) & invalid.logical_not(), 0f)       // A.5: the rest set to 0, ties dropped
                    : r.masked_fill((r.detach() < threshold) | invalid, float.NegativeInfinity);
            }

            total = total + softmax(r, 1).transpose(1, 2).bmm(h);
        }

        return (total * d.Boost).sum(-1) + logits;
    }

    /// <summary>The full combined attention weights A + S + P [batch, time, codes], computed directly.</summary>
    private static Tensor FullMaps(PlantDecoder d, NoteBatch batch, Tensor h, StaticAttention staticAttention)
    {
        var invalid = batch.Valid.logical_not().unsqueeze(-1);
        var maps = softmax(h.matmul(d.LabelAttention.t()).masked_fill(invalid, float.NegativeInfinity), 1);
        var s = zeros(batch.Count, batch.Length, Codes);
        for (int b = 0; b < batch.Count; b++)
        {
            int[] ids = [.. batch.Tokens[b].data<long>().Take(batch.Lengths[b]).Select(x => (int)x)];
            foreach (var (position, code, weight) in staticAttention.Entries(ids))
            {
                s[b, position, code] += weight;
            }
        }

        int k = d.Switches.InattentionK;
        var r = d.Ranker.ScoreAllCodes(batch.Tokens.reshape(-1)).reshape(batch.Count, batch.Length, Codes).masked_fill(invalid, float.NegativeInfinity);
        var threshold = r.topk(k, dim: 1).Item1.select(1, k - 1).unsqueeze(1);
        var p = softmax(d.Switches.PaperInattention
            ? r.masked_fill((r <= threshold) & invalid.logical_not(), 0f)
            : r.masked_fill((r < threshold) | invalid, float.NegativeInfinity), 1);
        return maps + s + p;
    }

    private static List<Tensor> Gradients(PlantDecoder decoder, Tensor logits)
    {
        decoder.zero_grad();
        (logits * arange(1, Codes + 1, dtype: ScalarType.Float32)).sum().backward();
        return [.. decoder.parameters().Where(p => p.grad is not null).Select(p => p.grad!.clone())];
    }

    private static PlantDecoder NewDecoder(DecoderSwitches switches, CodeCategories? categories = null)
    {
        var decoder = new PlantDecoder(Codes, Features, new DotScorer(Vocab, Codes, 3), switches, categories);
        using (no_grad())
        {
            foreach (var p in decoder.parameters())
            {
                p.normal_();
            }
        }

        return decoder;
    }

    private static StaticAttention Static(int[][] notes)
    {
        var codes = notes.Select((n, i) => (IReadOnlyList<string>)[$"C{i % Codes}", $"C{(i + 2) % Codes}"]).ToList();
        // Letters only: the tokenizer drops runs holding a digit, and S would be empty.
        var vocabulary = new Vocabulary([.. Vocabulary.Reserved, .. Enumerable.Range(3, Vocab - 3).Select(i => $"w{(char)('a' + (i % 26))}{(char)('a' + (i / 26))}")]);
        var texts = notes.Select(n => string.Join(' ', n.Select(vocabulary.TokenOf))).ToList();
        var labels = new LabelSet([.. Enumerable.Range(0, Codes).Select(i => $"C{i}")]);
        var presence = PresenceCorpus.Build(texts.Select((t, i) => new PlantFunctions.Model.Notes.ClinicalNote($"n{i}", t, codes[i])), vocabulary, labels);
        return new StaticAttention(PriorComputation.Compute(presence, vocabulary, labels, new PriorOptions()), tokensPerCode: 3);
    }

    private static int[] RandomNote(int length, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, length).Select(_ => 3 + random.Next(10))];   // few types: many repeats and ties
    }

    private static string Show(Tensor t) => string.Join(",", t.data<float>().Take(6).Select(v => v.ToString("F4", System.Globalization.CultureInfo.InvariantCulture)));
}
