using TorchSharp;
using static TorchSharp.torch;

namespace PlantFunctions.Model.Runtime;

/// <summary>
/// Sums with a held scale, and differences beside them. TorchSharp's <c>a + b</c> and <c>add(b)</c> pass a temporary
/// Scalar (alpha = 1) whose native handle the finalizer may free while the native call still reads it (seen here:
/// "Expected false to be true ... toFloat" from <c>add</c> in a test run under load); these pass the process's held 1.
/// TorchSharp's <c>sub</c> takes no alpha, so the differences only keep the code's arithmetic in one notation.
/// </summary>
internal static class TensorSums
{
    /// <summary>a + b.</summary>
    public static Tensor Plus(this Tensor a, Tensor b) => a.add(b, HeldScalars.One);

    /// <summary>a - b.</summary>
    public static Tensor Minus(this Tensor a, Tensor b) => a.sub(b);

    /// <summary>a + s for a held scalar s.</summary>
    public static Tensor Plus(this Tensor a, Scalar s) => a.add(s, HeldScalars.One);

    /// <summary>a - s for a held scalar s.</summary>
    public static Tensor Minus(this Tensor a, Scalar s) => a.sub(s);

    /// <summary>a += b, in place.</summary>
    public static Tensor PlusInPlace(this Tensor a, Tensor b) => a.add_(b, HeldScalars.One);

    /// <summary>a -= b, in place.</summary>
    public static Tensor MinusInPlace(this Tensor a, Tensor b) => a.sub_(b);
}
