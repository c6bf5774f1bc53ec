using TorchSharp;

namespace PlantFunctions.Model.Runtime;

/// <summary>
/// The constants the decoder hands to tensor operations, as Scalars created once and held for the life of the process.
/// TorchSharp turns a literal such as <c>masked_fill(mask, 0f)</c> into a temporary Scalar, passes its native handle
/// and keeps nothing alive during the call, so the temporary's finalizer can free it while libtorch still reads it. Seen
/// twice under load: "INTERNAL ASSERT FAILED at Scalar.h" inside index_add, and "Unknown scalar type" in
/// <c>randn(...) * 0.02</c>. The decoder's per-chunk and per-batch calls take their constants from here; scalars
/// computed at run time (learning rates, loss divisors, the ranker's sigma) still pass as temporaries, with the same
/// small window.
/// </summary>
internal static class HeldScalars
{
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
    internal static readonly Scalar InitialSpread = 0.02.ToScalar();

    /// <summary>-4 (float): the decoder's initial bias (a probability of about 0.018 before training).</summary>
    internal static readonly Scalar InitialBias = (-4f).ToScalar();
}
