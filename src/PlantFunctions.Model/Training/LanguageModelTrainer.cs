using System.Diagnostics;
using PlantFunctions.Model.Networks;
using PlantFunctions.Model.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace PlantFunctions.Model.Training;

/// <summary>
/// Trains the AWD-LSTM language model on a stream of notes (each preceded by the note-start token), cut into parallel
/// rows and BPTT windows with the state carried between windows, and reports validation perplexity.
/// </summary>
public sealed class LanguageModelTrainer(LanguageModelOptions options, NetworkConfig network, Device? device = null)
{
    /// <summary>Result of one epoch.</summary>
    public sealed record EpochResult(int Epoch, double TrainLoss, double ValidationPerplexity, double TokensPerSecond);

    /// <summary>
    /// Runs the remaining epochs (from <paramref name="startEpoch"/>, with the optimizer state saved after the previous
    /// epoch when resuming), calling <paramref name="epochDone"/> after each with the optimizer state to checkpoint.
    /// After an epoch that is not the last, stops early when <paramref name="yieldAtEpochEnd"/> returns <c>true</c> (a
    /// later call with the next start epoch and that optimizer state continues exactly). Returns the per-epoch results.
    /// </summary>
    public IReadOnlyList<EpochResult> Train(LanguageModel model, IReadOnlyList<int[]> notes, int startEpoch = 1, byte[]? optimizerState = null,
        Action<EpochResult, byte[]>? epochDone = null, Action<int, int, double>? stepDone = null, Func<bool>? yieldAtEpochEnd = null,
        CancellationToken cancellationToken = default)
    {
        var random = new Random(options.Seed);
        var order = Enumerable.Range(0, notes.Count).OrderBy(_ => random.Next()).ToArray();
        int validationCount = (int)(notes.Count * options.ValidationFraction);
        var validation = order.Take(validationCount).Select(i => notes[i]).ToArray();
        var training = order.Skip(validationCount).Select(i => notes[i]).ToArray();
        long stepsPerEpoch = Math.Max(1, training.Sum(n => (long)n.Length + 1) / options.BatchSize / network.Bptt);
        var schedule = new OneCycleSchedule(options.LearningRate, stepsPerEpoch * options.Epochs);
        using var optimizer = optim.AdamW(model.parameters(), options.LearningRate, 0.9, 0.99, 1e-6, options.WeightDecay);
        if (optimizerState is not null)
        {
            optimizer.load_state_dict(new BinaryReader(new MemoryStream(optimizerState)));
        }

        var results = new List<EpochResult>();
        model.OutputDropout = network.LmOutputDropout * network.DropoutMultiplier;
        for (int epoch = startEpoch; epoch <= options.Epochs; epoch++)
        {
            var epochRandom = new Random(options.Seed + epoch);
            manual_seed(options.Seed + epoch);
            var rows = Batchify(training.OrderBy(_ => epochRandom.Next()), options.BatchSize);
            model.train();
            model.Encoder.Reset(options.BatchSize, DropoutSet.LanguageModel(network));
            var clock = Stopwatch.StartNew();
            double lossSum = 0;
            long step = (epoch - 1) * stepsPerEpoch, tokens = 0;
            int steps = 0;
            for (int start = 0; start + 1 < rows.shape[1]; start += network.Bptt)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                int length = (int)Math.Min(network.Bptt, rows.shape[1] - 1 - start);
                var input = rows.narrow(1, start, length);
                var target = rows.narrow(1, start + 1, length);
                if (start > 0)
                {
                    // AWD-LSTM draws its dropout masks per batch; the state carries on.
                    model.Encoder.ResampleDropout(options.BatchSize, DropoutSet.LanguageModel(network));
                }

                foreach (var group in optimizer.ParamGroups)
                {
                    group.LearningRate = schedule.Rate(Math.Min(step, schedule.TotalSteps - 1));
                }

                optimizer.zero_grad();
                Tensor loss;
                model.Encoder.BeginWeightDropout(DropoutSet.LanguageModel(network).Weight);
                try
                {
                    var logits = model.forward(input);
                    loss = nn.functional.cross_entropy(logits.reshape(-1, logits.shape[2]), target.reshape(-1));
                    loss.backward();
                }
                finally
                {
                    model.Encoder.EndWeightDropout();
                }

                nn.utils.clip_grad_norm_(model.parameters(), options.ClipNorm);
                optimizer.step();
                model.Encoder.DetachState();
                lossSum += loss.item<float>();
                steps++;
                step++;
                tokens += input.numel();
                stepDone?.Invoke(steps, (int)stepsPerEpoch, lossSum / steps);
            }

            rows.Dispose();
            double seconds = clock.Elapsed.TotalSeconds;
            var result = new EpochResult(epoch, lossSum / Math.Max(1, steps), Perplexity(model, validation), tokens / Math.Max(seconds, 1e-9));
            results.Add(result);
            var state = new MemoryStream();
            using (var writer = new BinaryWriter(state, System.Text.Encoding.UTF8, leaveOpen: true))
            {
                optimizer.save_state_dict(writer);
            }

            epochDone?.Invoke(result, state.ToArray());
            if (epoch < options.Epochs && yieldAtEpochEnd?.Invoke() == true)
            {
                break;
            }
        }

        return results;
    }

    /// <summary>Perplexity of the model on notes (evaluation mode, no dropout); NaN when there are none.</summary>
    public double Perplexity(LanguageModel model, IReadOnlyList<int[]> notes)
    {
        if (notes.Count == 0)
        {
            return double.NaN;
        }

        model.eval();
        using var noGrad = no_grad();
        int batch = Math.Min(options.BatchSize, notes.Count);
        using var rows = Batchify(notes, batch);
        model.Encoder.Reset(batch, DropoutSet.None);
        double nll = 0;
        long count = 0;
        for (int start = 0; start + 1 < rows.shape[1]; start += network.Bptt)
        {
            using var scope = NewDisposeScope();
            int length = (int)Math.Min(network.Bptt, rows.shape[1] - 1 - start);
            var logits = model.forward(rows.narrow(1, start, length));
            var target = rows.narrow(1, start + 1, length);
            nll += nn.functional.cross_entropy(logits.reshape(-1, logits.shape[2]), target.reshape(-1), reduction: nn.Reduction.Sum).item<float>();
            count += target.numel();
        }

        model.Encoder.ClearState();
        return Math.Exp(nll / Math.Max(1, count));
    }

    private Tensor Batchify(IEnumerable<int[]> notes, int rows)
    {
        var stream = new List<long>();
        foreach (int[] note in notes)
        {
            stream.Add(Vocabulary.BosId);
            foreach (int id in note)
            {
                stream.Add(id);
            }
        }

        long columns = stream.Count / rows;
        return tensor(stream.Take((int)(columns * rows)).ToArray(), [rows, columns], device: device ?? CPU).DetachFromDisposeScope();
    }
}
