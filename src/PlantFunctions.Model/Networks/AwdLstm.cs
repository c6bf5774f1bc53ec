using PlantFunctions.Model.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace PlantFunctions.Model.Networks;

/// <summary>
/// The AWD-LSTM encoder (Merity et al. 2017; paper appendix A.3): word embedding, stacked LSTM layers (the last one
/// projects back to the embedding size), embedding dropout (whole rows), locked dropout (one mask per sequence, shared
/// across time and across the chunks of a note) on the input and between layers, and DropConnect on the
/// hidden-to-hidden weights. Stateful: the LSTM state is carried from one <see cref="forward"/> call (chunk) to the next
/// until <see cref="Reset"/>.
/// </summary>
public sealed class AwdLstm : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "embedding")]
    private readonly Embedding embedding;

    [ComponentName(Name = "layers")]
    private readonly ModuleList<LSTM> layers;

    /// <summary>Half-width of the uniform initialisation of the word embedding.</summary>
    public const double EmbeddingInitRange = 0.5;

    private readonly (Tensor H, Tensor C)?[] state;
    private readonly WeightDropConnect weightDrop;
    private Tensor? rowKeep;
    private Tensor? inputMask;
    private Tensor?[] hiddenMasks;

    /// <summary>Creates the encoder with PyTorch's default LSTM initialisation.</summary>
    public AwdLstm(int vocabularySize, int embeddingSize, int hiddenSize, int layerCount)
        : base(nameof(AwdLstm))
    {
        embedding = nn.Embedding(vocabularySize, embeddingSize);
        using (no_grad())
        {
            // Wider than AWD-LSTM's +-0.1: trained from scratch on a small corpus, +-0.1 leaves the input almost silent
            // next to the gate biases for hundreds of steps (CodiEsp, one LM epoch: perplexity 957 vs 320 with +-0.5).
            embedding.weight!.uniform_(-EmbeddingInitRange, EmbeddingInitRange);
        }

        layers = new ModuleList<LSTM>();
        for (int i = 0; i < layerCount; i++)
        {
            int input = i == 0 ? embeddingSize : hiddenSize;
            int output = i == layerCount - 1 ? embeddingSize : hiddenSize;
            layers.Add(nn.LSTM(input, output, numLayers: 1, batchFirst: true));
        }

        state = new (Tensor, Tensor)?[layerCount];
        hiddenMasks = new Tensor?[layerCount];
        EmbeddingSize = embeddingSize;
        RegisterComponents();
        weightDrop = new WeightDropConnect([.. layers.Select(l => l.get_parameter("weight_hh_l0")!)]);
    }

    /// <summary>Output size (= embedding size).</summary>
    public int EmbeddingSize { get; }

    /// <summary>How many times dropout masks were drawn in training mode (a diagnostic: one per batch in LM training).</summary>
    public long MaskDraws { get; private set; }

    /// <summary>Number of LSTM layers.</summary>
    public int LayerCount => layers.Count;

    /// <summary>The word embedding (tied to the LM head; source of the ranker's token embeddings).</summary>
    public Embedding Embedding => embedding;

    /// <summary>The parameters of LSTM layer <paramref name="index"/> (a parameter group for discriminative rates).</summary>
    public IEnumerable<Parameter> LayerParameters(int index) => layers[index].parameters();

    /// <summary>
    /// Starts new sequences: zero state for <paramref name="batchSize"/> rows and, in training mode, fresh dropout masks
    /// (one per sequence, kept for all its chunks).
    /// </summary>
    public void Reset(long batchSize, DropoutSet dropouts)
    {
        ClearState();
        ResampleDropout(batchSize, dropouts);
    }

    /// <summary>
    /// Draws fresh dropout masks (training mode) and keeps the state: the language model's per-batch masks, as AWD-LSTM
    /// draws them for every batch of its continuous streams.
    /// </summary>
    public void ResampleDropout(long batchSize, DropoutSet dropouts)
    {
        DisposeMasks();
        if (!training)
        {
            return;
        }

        var device = embedding.weight!.device;
        using var noGrad = no_grad();
        MaskDraws++;
        rowKeep = Keep([embedding.weight.shape[0]], dropouts.Embedding, device);
        inputMask = Keep([batchSize, 1, EmbeddingSize], dropouts.Input, device);
        hiddenMasks = new Tensor?[layers.Count];
        for (int i = 0; i < layers.Count - 1; i++)
        {
            hiddenMasks[i] = Keep([batchSize, 1, layers[i].get_parameter("weight_hh_l0")!.shape[1]], dropouts.Hidden, device);
        }
    }

    /// <summary>Cuts the state from the graph (truncated BPTT) while keeping its values.</summary>
    public void DetachState()
    {
        for (int i = 0; i < state.Length; i++)
        {
            if (state[i] is var (h, c))
            {
                state[i] = (Keep(h.detach()), Keep(c.detach()));
                h.Dispose();
                c.Dispose();
            }
        }
    }

    /// <summary>Forgets the state (the next chunk starts from zeros): the "stateless" ablation.</summary>
    public void ClearState()
    {
        for (int i = 0; i < state.Length; i++)
        {
            if (state[i] is var (h, c))
            {
                h.Dispose();
                c.Dispose();
            }

            state[i] = null;
        }
    }

    /// <summary>
    /// Applies DropConnect with probability <paramref name="probability"/> for one optimisation step (training only).
    /// Pair with <see cref="EndWeightDropout"/>.
    /// </summary>
    public void BeginWeightDropout(double probability)
    {
        if (training)
        {
            weightDrop.Probability = probability;
            weightDrop.Begin();
        }
    }

    /// <summary>After the backward pass: scales the gradients by the masks and restores the raw weights.</summary>
    public void EndWeightDropout() => weightDrop.End();

    /// <summary>Encodes one chunk of token ids [batch, time] into features [batch, time, embedding].</summary>
    public override Tensor forward(Tensor tokens)
    {
        using var scope = NewDisposeScope();
        var x = embedding.forward(tokens);
        if (rowKeep is not null)
        {
            x = x * rowKeep.index_select(0, tokens.flatten()).view(tokens.shape[0], tokens.shape[1], 1);
        }

        if (inputMask is not null && inputMask.shape[0] == x.shape[0])
        {
            x = x * inputMask;
        }

        for (int i = 0; i < layers.Count; i++)
        {
            var (output, h, c) = layers[i].forward(x, state[i] is var (h0, c0) ? (h0, c0) : null);
            if (state[i] is var (oldH, oldC))
            {
                oldH.Dispose();
                oldC.Dispose();
            }

            state[i] = (Keep(h), Keep(c));
            x = hiddenMasks[i] is { } mask && mask.shape[0] == output.shape[0] ? output * mask : output;
        }

        return x.MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            ClearState();
            DisposeMasks();
            weightDrop.Dispose();
        }

        base.Dispose(disposing);
    }

    private static Tensor Keep(Tensor t) => t.DetachFromDisposeScope();

    private static Tensor? Keep(long[] shape, double p, Device device) =>
        p <= 0 ? null : empty(shape, device: device).bernoulli_(1 - p).div_(HeldScalars.Of(1 - p)).DetachFromDisposeScope();

    private void DisposeMasks()
    {
        rowKeep?.Dispose();
        inputMask?.Dispose();
        foreach (var mask in hiddenMasks)
        {
            mask?.Dispose();
        }

        rowKeep = inputMask = null;
        hiddenMasks = new Tensor?[layers.Count];
    }
}
