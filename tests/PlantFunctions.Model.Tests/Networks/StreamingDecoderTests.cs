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
    public void Logits_StreamedOverChunks_EqualFullSequenceAttention_ValuesAndGradients(bool useStatic, bool planted, bool inattention, bool staticTerm = true)
    {
        manual_seed(21);
        var notes = new[] { RandomNote(23, 1), RandomNote(17, 2), RandomNote(3, 3) };
        var staticAttention = Static(notes);
        using var decoder = NewDecoder(new DecoderSwitches(useStatic, planted, inattention, InattentionK: 4, staticTerm));
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
    public void Classifier_ChunkedWithCarriedState_EqualsOneChunkOverTheWholeNote()
    {
        manual_seed(5);
        var notes = new[] { RandomNote(40, 7), RandomNote(31, 8) };
        var config = NetworkConfig.Tiny with { EmbeddingSize = Features, HiddenSize = 8, Layers = 2 };
        using var decoder = NewDecoder(new DecoderSwitches(true, true, true, 4));
        using var encoder = new AwdLstm(Vocab, Features, 8, 2);
        using var chunked = new PlantClassifier(encoder, decoder, config with { Bptt = 7 });
        using var whole = new PlantClassifier(encoder, decoder, config with { Bptt = 1000 });
        chunked.eval();
        whole.eval();
        using var batch = new NoteBatch(notes, Static(notes), CPU);

        var (a, positions, weights) = chunked.Infer(batch, evidencePerCode: 3);
        var (b, _, _) = whole.Infer(batch, evidencePerCode: 3);

        Assert.True(a.allclose(b, rtol: 1e-4, atol: 1e-5));
        Assert.Equal(new long[] { 2, 3, Codes }, positions.shape);
        Assert.True((positions < 40).all().item<bool>());
        Assert.True((weights.select(1, 0) >= weights.select(1, 2)).all().item<bool>());
    }

    private static Tensor Streamed(PlantDecoder decoder, NoteBatch batch, Tensor h, int chunk)
    {
        using var pass = new DecoderPass(decoder, batch.Count, Features, CPU);
        for (int start = 0; start < batch.Length; start += chunk)
        {
            int length = Math.Min(chunk, batch.Length - start);
            pass.Add(h.narrow(1, start, length), batch.Tokens.narrow(1, start, length), batch.Valid.narrow(1, start, length), start,
                batch.StaticChunk(start, length, Codes));
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
                r = r.masked_fill((r.detach() < threshold) | invalid, float.NegativeInfinity);
            }

            total = total + softmax(r, 1).transpose(1, 2).bmm(h);
        }

        return (total * d.Boost).sum(-1) + logits;
    }

    private static List<Tensor> Gradients(PlantDecoder decoder, Tensor logits)
    {
        decoder.zero_grad();
        (logits * arange(1, Codes + 1, dtype: ScalarType.Float32)).sum().backward();
        return [.. decoder.parameters().Where(p => p.grad is not null).Select(p => p.grad!.clone())];
    }

    private static PlantDecoder NewDecoder(DecoderSwitches switches)
    {
        var decoder = new PlantDecoder(Codes, Features, new DotScorer(Vocab, Codes, 3), switches);
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
