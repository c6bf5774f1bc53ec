using PlantFunctions.Model.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace PlantFunctions.Model.LabelSpaces;

/// <summary>
/// A linear map from a code's description features to one of its learnt parameter rows (its attention query, output
/// weights or ranker embedding), fitted on the codes training taught by ridge regression: centred features and targets,
/// the ridge strength picked on every fifth code held out, then refitted on all. Predict(x) = (x - mean x) B + mean y.
/// </summary>
public sealed class DescriptionMapping : IDisposable
{
    private static readonly double[] Strengths = [1e-3, 1e-2, 1e-1, 1, 10, 100];
    private readonly Tensor featureMean;
    private readonly Tensor targetMean;
    private readonly Tensor coefficients;

    private DescriptionMapping(Tensor featureMean, Tensor targetMean, Tensor coefficients, double strength)
    {
        this.featureMean = featureMean;
        this.targetMean = targetMean;
        this.coefficients = coefficients;
        Strength = strength;
    }

    /// <summary>The ridge strength used, relative to the mean diagonal of the centred features' Gram matrix.</summary>
    public double Strength { get; }

    /// <summary>Fits the map from features [n, p] to targets [n, k] (any float type; computed in double).</summary>
    public static DescriptionMapping Fit(Tensor features, Tensor targets)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = features.to(ScalarType.Float64);
        var y = targets.to(ScalarType.Float64);
        long n = x.shape[0];
        if (n < 2 || y.shape[0] != n)
        {
            throw new ArgumentException($"a description mapping needs at least two codes with features and targets alike (features for {n}, targets for {y.shape[0]})");
        }

        double strength = Strengths[0];
        if (n >= 10)
        {
            var held = tensor(Enumerable.Range(0, (int)n).Where(i => i % 5 == 0).Select(i => (long)i).ToArray());
            var kept = tensor(Enumerable.Range(0, (int)n).Where(i => i % 5 != 0).Select(i => (long)i).ToArray());
            double bestError = double.PositiveInfinity;
            foreach (double candidate in Strengths)
            {
                var (mx, my, b) = Solve(x.index_select(0, kept), y.index_select(0, kept), candidate);
                double error = x.index_select(0, held).Minus(mx).matmul(b).Plus(my).Minus(y.index_select(0, held)).square().mean().item<double>();
                if (error < bestError)
                {
                    (bestError, strength) = (error, candidate);
                }
            }
        }

        var (featureMean, targetMean, coefficients) = Solve(x, y, strength);
        return new DescriptionMapping(featureMean.MoveToOuterDisposeScope(), targetMean.MoveToOuterDisposeScope(), coefficients.MoveToOuterDisposeScope(), strength);
    }

    /// <summary>The mapped rows [m, k] (float32) of features [m, p].</summary>
    public Tensor Predict(Tensor features)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return features.to(ScalarType.Float64).Minus(featureMean).matmul(coefficients).Plus(targetMean).to(ScalarType.Float32).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        featureMean.Dispose();
        targetMean.Dispose();
        coefficients.Dispose();
    }

    /// <summary>Ridge on centred data: B = (Xc^T Xc + s m I)^-1 Xc^T Yc, with m the mean diagonal of Xc^T Xc.</summary>
    private static (Tensor FeatureMean, Tensor TargetMean, Tensor Coefficients) Solve(Tensor x, Tensor y, double strength)
    {
        var mx = x.mean([0], keepdim: true);
        var my = y.mean([0], keepdim: true);
        var xc = x.Minus(mx);
        var gram = xc.t().matmul(xc);
        long p = gram.shape[0];
        double scale = Math.Max(gram.diagonal().mean().item<double>(), 1e-12);
        // A Scalar held for the call: TorchSharp may finalize an implicit temporary one while the native call runs.
        using var penalty = (strength * scale).ToScalar();
        var regularised = gram.Plus(eye(p, dtype: ScalarType.Float64) * penalty);
        var b = linalg.solve(regularised, xc.t().matmul(y.Minus(my)));
        return (mx, my, b);
    }
}
