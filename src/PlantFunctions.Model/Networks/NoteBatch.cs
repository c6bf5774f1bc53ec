using PlantFunctions.Model.Text;
using static TorchSharp.torch;

namespace PlantFunctions.Model.Networks;

/// <summary>
/// A batch of encoded notes, right-padded to the longest: token ids [batch, time], a validity mask, and the static
/// attention entries, ready to be cut into chunks.
/// </summary>
public sealed class NoteBatch : IDisposable
{
    private readonly List<(int Position, int Code, float Weight)>[] staticEntries;

    /// <summary>
    /// Packs encoded notes (each at least one token) for the decoder. With <paramref name="attentionWindow"/>, only each
    /// note's last that-many tokens are valid for attention (and hold S entries); the encoder still reads every token.
    /// </summary>
    public NoteBatch(IReadOnlyList<int[]> notes, StaticAttention? staticAttention, Device device, int? attentionWindow = null)
    {
        Count = notes.Count;
        Length = Math.Max(1, notes.Max(n => n.Length));
        Lengths = [.. notes.Select(n => n.Length)];
        var ids = new long[Count * Length];
        var valid = new bool[Count * Length];
        for (int b = 0; b < Count; b++)
        {
            for (int t = 0; t < notes[b].Length; t++)
            {
                ids[(b * Length) + t] = notes[b][t];
                valid[(b * Length) + t] = attentionWindow is not { } window || t >= notes[b].Length - window;
            }
        }

        Tokens = tensor(ids, [Count, Length], device: device).DetachFromDisposeScope();
        Valid = tensor(valid, [Count, Length], device: device).DetachFromDisposeScope();
        staticEntries = [.. notes.Select(n => StaticEntries(n, staticAttention, attentionWindow))];
        Device = device;
    }

    /// <summary>Notes in the batch.</summary>
    public int Count { get; }

    /// <summary>Padded length.</summary>
    public int Length { get; }

    /// <summary>Each note's true length.</summary>
    public IReadOnlyList<int> Lengths { get; }

    /// <summary>Token ids [batch, time] (padding = <see cref="Vocabulary.PadId"/>).</summary>
    public Tensor Tokens { get; }

    /// <summary>True for real tokens [batch, time].</summary>
    public Tensor Valid { get; }

    /// <summary>The device the tensors are on.</summary>
    public Device Device { get; }

    /// <summary>
    /// The static entries falling in [start, start + length) as flat indices into a [batch x length] chunk and into
    /// [batch x codes] accumulators, with weights; <c>null</c> when there are none.
    /// </summary>
    public (Tensor ChunkIndex, Tensor CodeIndex, Tensor Weight)? StaticChunk(int start, int length, int codes)
    {
        var chunk = new List<long>();
        var code = new List<long>();
        var weight = new List<float>();
        for (int b = 0; b < Count; b++)
        {
            // Entries are in position order: find the chunk's first one by binary search, then walk.
            var entries = staticEntries[b];
            int low = 0, high = entries.Count;
            while (low < high)
            {
                int middle = (low + high) / 2;
                if (entries[middle].Position < start)
                {
                    low = middle + 1;
                }
                else
                {
                    high = middle;
                }
            }

            for (int i = low; i < entries.Count && entries[i].Position < start + length; i++)
            {
                var (position, c, w) = entries[i];
                chunk.Add(((long)b * length) + position - start);
                code.Add(((long)b * codes) + c);
                weight.Add(w);
            }
        }

        return chunk.Count == 0 ? null
            : (tensor(chunk.ToArray(), device: Device), tensor(code.ToArray(), device: Device), tensor(weight.ToArray(), device: Device));
    }

    /// <summary>S entries of a note, or of its last <paramref name="window"/> tokens (positions still counted from the note's start).</summary>
    private static List<(int Position, int Code, float Weight)> StaticEntries(int[] note, StaticAttention? staticAttention, int? window)
    {
        if (staticAttention is null)
        {
            return [];
        }

        int skip = window is { } w ? Math.Max(0, note.Length - w) : 0;
        var entries = staticAttention.Entries(note.AsSpan(skip));
        return skip == 0 ? entries : [.. entries.Select(e => (e.Position + skip, e.Code, e.Weight))];
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Tokens.Dispose();
        Valid.Dispose();
    }
}
