using PlantFunctions.Model.Assertions;
using PlantFunctions.Model.Text;
using static TorchSharp.torch;

namespace PlantFunctions.Model.Networks;

/// <summary>
/// A batch of encoded notes, right-padded to the longest: token ids [batch, time], a validity mask, and what the decoder
/// needs about each note's distinct tokens. S and P weigh a position by its token alone, so the decoder sums the
/// encoder's features per distinct token ("slot") and works on those sums: per row the distinct tokens of its valid
/// positions (first-occurrence order, padded to the batch's largest count), their counts, each position's slot, and
/// the static attention entries per (slot, code).
/// </summary>
public sealed class NoteBatch : IDisposable
{
    private readonly List<(int Slot, int Code, float Weight)>[] staticEntries;
    private readonly int? window;

    /// <summary>
    /// Packs encoded notes (each at least one token) for the decoder. With <paramref name="attentionWindow"/>, only each
    /// note's last that-many tokens are valid for attention (and hold S entries); the encoder still reads every token.
    /// </summary>
    /// <remarks>
    /// With <paramref name="assertions"/> (per note its tokens' assertions, or <c>null</c> for a note without tags) the
    /// batch also holds, for the decoder's assertion term, the non-affirmed categories of each valid position and their
    /// counts per slot.
    /// </remarks>
    public NoteBatch(IReadOnlyList<int[]> notes, StaticAttention? staticAttention, Device device, int? attentionWindow = null,
        IReadOnlyList<Assertion[]?>? assertions = null)
    {
        Count = notes.Count;
        Length = Math.Max(1, notes.Max(n => n.Length));
        Lengths = [.. notes.Select(n => n.Length)];
        var ids = new long[Count * Length];
        var valid = new bool[Count * Length];
        var slotOf = new int[Count * Length];
        var distinct = new List<int>[Count];
        var counts = new List<int>[Count];
        var slotsOfRows = new Dictionary<int, int>[Count];
        for (int b = 0; b < Count; b++)
        {
            var slots = slotsOfRows[b] = [];
            distinct[b] = [];
            counts[b] = [];
            for (int t = 0; t < notes[b].Length; t++)
            {
                int token = notes[b][t];
                ids[(b * Length) + t] = token;
                bool isValid = attentionWindow is not { } window || t >= notes[b].Length - window;
                valid[(b * Length) + t] = isValid;
                if (isValid)
                {
                    if (!slots.TryGetValue(token, out int slot))
                    {
                        slots[token] = slot = distinct[b].Count;
                        distinct[b].Add(token);
                        counts[b].Add(0);
                    }

                    counts[b][slot]++;
                    slotOf[(b * Length) + t] = slot;
                }
                else
                {
                    slotOf[(b * Length) + t] = -1;
                }
            }

            for (int t = notes[b].Length; t < Length; t++)
            {
                slotOf[(b * Length) + t] = -1;
            }
        }

        Slots = Math.Max(1, distinct.Max(d => d.Count));
        var flatSlots = new long[Count * Length];
        for (int i = 0; i < flatSlots.Length; i++)
        {
            // Positions without a slot (padding, outside the attention window) land in each row's spare slot Slots.
            flatSlots[i] = ((long)(i / Length) * (Slots + 1)) + (slotOf[i] < 0 ? Slots : slotOf[i]);
        }

        var distinctIds = new long[Count * Slots];
        var distinctCounts = new float[Count * Slots];
        for (int b = 0; b < Count; b++)
        {
            for (int v = 0; v < distinct[b].Count; v++)
            {
                distinctIds[(b * Slots) + v] = distinct[b][v];
                distinctCounts[(b * Slots) + v] = counts[b][v];
            }
        }

        if (assertions is not null)
        {
            (AssertionMask, SlotAssertions) = AssertionTensors(assertions, valid, slotOf, device);
        }

        Tokens = tensor(ids, [Count, Length], device: device).DetachFromDisposeScope();
        Valid = tensor(valid, [Count, Length], device: device).DetachFromDisposeScope();
        FlatSlots = tensor(flatSlots, [Count, Length], device: device).DetachFromDisposeScope();
        DistinctTokens = tensor(distinctIds, [Count, Slots], device: device).DetachFromDisposeScope();
        DistinctCounts = tensor(distinctCounts, [Count, Slots], device: device).DetachFromDisposeScope();
        staticEntries = [.. notes.Select((n, b) => StaticEntries(n, staticAttention, attentionWindow, slotsOfRows[b]))];
        Device = device;
        window = attentionWindow;
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

    /// <summary>Distinct tokens per row, the most of any row (each row also has a spare slot, <see cref="Slots"/>, for positions without one).</summary>
    public int Slots { get; }

    /// <summary>
    /// Each position's slot as a flat index into per-row slot sums [batch x (Slots + 1)]: row x (Slots + 1) + slot,
    /// and the spare slot for padding and positions outside the attention window [batch, time].
    /// </summary>
    public Tensor FlatSlots { get; }

    /// <summary>The distinct token ids of each row's valid positions [batch, Slots] (padding id past a row's own count).</summary>
    public Tensor DistinctTokens { get; }

    /// <summary>How often each distinct token occurs at valid positions [batch, Slots] (0 past a row's own count).</summary>
    public Tensor DistinctCounts { get; }

    /// <summary>
    /// The assertion categories that are not affirmed (<see cref="AssertionCategories"/>: negated, possible, historical,
    /// family) of each valid position, one-hot [batch, time, categories]; <c>null</c> when the batch was made without tags.
    /// </summary>
    public Tensor? AssertionMask { get; }

    /// <summary>How often each slot's token occurs under each non-affirmed category [batch, Slots + 1, categories] (the spare slot 0); <c>null</c> without tags.</summary>
    public Tensor? SlotAssertions { get; }

    /// <summary>The non-affirmed assertion categories the decoder's assertion term weighs, in the order of <see cref="AssertionMask"/>'s last axis.</summary>
    public static IReadOnlyList<Assertion> AssertionCategories { get; } = [Assertion.Negated, Assertion.Possible, Assertion.Historical, Assertion.Family];

    /// <summary>The device the tensors are on.</summary>
    public Device Device { get; }

    /// <summary>Whether every position of [start, start + length) is valid in every row (no padding, nothing outside an attention window).</summary>
    public bool AllValid(int start, int length) =>
        Enumerable.Range(0, Count).All(b => start + length <= Lengths[b] && (window is not { } w || start >= Lengths[b] - w));

    /// <summary>
    /// The static entries as flat indices into slot sums [batch x (Slots + 1)] and into [batch x codes] accumulators,
    /// with the weight of one occurrence of the slot's token; <c>null</c> when there are none. With
    /// <paramref name="local"/> (a decoder pass over some of the codes), each code is its index there, and entries of codes
    /// it maps below 0 are left out.
    /// </summary>
    public (Tensor SlotIndex, Tensor CodeIndex, Tensor Weight)? StaticSlots(int codes, Func<int, int>? local = null)
    {
        var slot = new List<long>();
        var code = new List<long>();
        var weight = new List<float>();
        for (int b = 0; b < Count; b++)
        {
            foreach (var (s, global, w) in staticEntries[b])
            {
                int c = local is null ? global : local(global);
                if (c < 0)
                {
                    continue;
                }

                slot.Add(((long)b * (Slots + 1)) + s);
                code.Add(((long)b * codes) + c);
                weight.Add(w);
            }
        }

        return slot.Count == 0 ? null
            : (tensor(slot.ToArray(), device: Device), tensor(code.ToArray(), device: Device), tensor(weight.ToArray(), device: Device));
    }

    /// <summary>Row <paramref name="row"/>'s static entries: (slot, code, weight of one occurrence).</summary>
    public IReadOnlyList<(int Slot, int Code, float Weight)> StaticEntriesOf(int row) => staticEntries[row];

    /// <summary>
    /// A note's S entries per (slot, code), from <see cref="StaticAttention.TokenEntries"/> (of its last
    /// <paramref name="window"/> tokens when set), each token's slot from the row's <paramref name="slotOfToken"/>.
    /// </summary>
    private static List<(int Slot, int Code, float Weight)> StaticEntries(int[] note, StaticAttention? staticAttention, int? window, Dictionary<int, int> slotOfToken)
    {
        if (staticAttention is null)
        {
            return [];
        }

        // Per distinct token, not per position: every occurrence of a token carries the same weight.
        int skip = window is { } w ? Math.Max(0, note.Length - w) : 0;
        var entries = new List<(int, int, float)>();
        foreach (var (token, code, weight) in staticAttention.TokenEntries(note.AsSpan(skip)))
        {
            entries.Add((slotOfToken[token], code, weight));
        }

        return entries;
    }

    /// <summary>
    /// The one-hot categories of valid positions [batch, time, categories] and their counts per slot [batch, Slots + 1,
    /// categories], from each note's tags (positions past a note's tags, or of a note without tags, count as affirmed).
    /// </summary>
    private (Tensor Mask, Tensor PerSlot) AssertionTensors(IReadOnlyList<Assertion[]?> assertions, bool[] valid, int[] slotOf, Device device)
    {
        if (assertions.Count != Count)
        {
            throw new ArgumentException($"assertions are given for {assertions.Count} notes, the batch has {Count}", nameof(assertions));
        }

        int categories = AssertionCategories.Count;
        var mask = new float[Count * Length * categories];
        var perSlot = new float[Count * (Slots + 1) * categories];
        for (int b = 0; b < Count; b++)
        {
            var tags = assertions[b] ?? [];
            for (int t = 0; t < Math.Min(Lengths[b], tags.Length); t++)
            {
                int category = tags[t] == Assertion.Affirmed ? -1 : ((int)tags[t]) - 1;
                int at = (b * Length) + t;
                if (category < 0 || !valid[at])
                {
                    continue;
                }

                mask[(at * categories) + category] = 1;
                perSlot[(((b * (Slots + 1)) + slotOf[at]) * categories) + category] += 1;
            }
        }

        return (tensor(mask, [Count, Length, categories], device: device).DetachFromDisposeScope(),
            tensor(perSlot, [Count, Slots + 1, categories], device: device).DetachFromDisposeScope());
    }

    /// <inheritdoc />
    public void Dispose()
    {
        AssertionMask?.Dispose();
        SlotAssertions?.Dispose();
        Tokens.Dispose();
        Valid.Dispose();
        FlatSlots.Dispose();
        DistinctTokens.Dispose();
        DistinctCounts.Dispose();
    }
}
