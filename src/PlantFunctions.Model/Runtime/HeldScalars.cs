using System.Collections.Concurrent;
using TorchSharp;

namespace PlantFunctions.Model.Runtime;

/// <summary>
/// The constants the decoder hands to tensor operations, as Scalars created once and held for the life of the process.
/// TorchSharp turns a literal such as <c>masked_fill(mask, 0f)</c> into a temporary Scalar, passes its native handle
/// and keeps nothing alive during the call, so the temporary's finalizer can free it while libtorch still reads it. Seen
/// twice under load: "INTERNAL ASSERT FAILED at Scalar.h" inside index_add, and "Unknown scalar type" in
/// <c>randn(...) * 0.02</c>. The decoder's per-chunk and per-batch calls take their constants from here, and values
/// computed at run time (the loss divisor, dropout scales, the ranker's sigma and its constants) come from
/// <see cref="Of(int)"/> and its overloads, which hold one Scalar per value. The optimizer's own scalars (learning
/// rates inside TorchSharp's AdamW) are not ours to hold.
/// </summary>
internal static class HeldScalars
{
    private static readonly ConcurrentDictionary<int, Scalar> Ints = new();
    private static readonly ConcurrentDictionary<long, Scalar> Longs = new();
    private static readonly ConcurrentDictionary<double, Scalar> Doubles = new();

    /// <summary>1: index_add's alpha.</summary>
    internal static readonly Scalar One = 1.ToScalar();

    /// <summary>0 (float).</summary>
    internal static readonly Scalar Zero = 0f.ToScalar();

    /// <summary>-1 (float): the evidence weight of padding.</summary>
    internal static readonly Scalar MinusOne = (-1f).ToScalar();

    /// <summary>-inf (float): masked scores before a softmax.</summary>
    internal static readonly Scalar NegativeInfinity = float.NegativeInfinity.ToScalar();

    /// <summary>-1e30 (float): a finite running maximum's start, so that exp(start - max) is 0, never NaN.</summary>
    internal static readonly Scalar VeryNegative = (-1e30f).ToScalar();

    /// <summary>1e-30: the floor of a softmax denominator.</summary>
    internal static readonly Scalar Tiny = 1e-30.ToScalar();

    /// <summary>0.02: the spread of the decoder's initial weights.</summary>
    internal static readonly Scalar InitialSpread = InitialSpreadValue.ToScalar();

    /// <summary>The spread of a random start as a number.</summary>
    internal const double InitialSpreadValue = 0.02;

    /// <summary>-4 (float): the decoder's initial bias (a probability of about 0.018 before training).</summary>
    internal static readonly Scalar InitialBias = (-4f).ToScalar();

    /// <summary>
    /// The Scalar of <paramref name="value"/> (int-typed, as the literal's implicit conversion makes it), created on
    /// first use and held for the life of the process. For values computed at run time that take few distinct values
    /// (batch sizes, dropout rates, sigma, k): one Scalar per value, never freed; a value that changes with every batch
    /// gets a Scalar of its own in a <c>using</c> instead.
    /// </summary>
    internal static Scalar Of(int value) => Ints.GetOrAdd(value, static v => v.ToScalar());

    /// <summary>The held long-typed Scalar of <paramref name="value"/> (see <see cref="Of(int)"/>).</summary>
    internal static Scalar Of(long value) => Longs.GetOrAdd(value, static v => v.ToScalar());

    /// <summary>The held double-typed Scalar of <paramref name="value"/> (see <see cref="Of(int)"/>).</summary>
    internal static Scalar Of(double value) => Doubles.GetOrAdd(value, static v => v.ToScalar());
}
