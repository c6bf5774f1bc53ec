using System.Diagnostics;
using static TorchSharp.torch;

namespace PlantFunctions.Benchmarks;

/// <summary>
/// This machine's matrix-multiply rate (GFLOP/s) at the shapes coding uses, in float32 and bfloat16: the decoder's
/// [tokens, features] x [features, codes] and the LSTM's [batch, hidden] x [hidden, 4 hidden] step. The arithmetic floors
/// of the coding benchmark are at these rates. Options: --tokens N, --features N, --codes N, --hidden N, --batch N.
/// </summary>
internal static class MatmulBenchmark
{
    public static int Run(string[] args)
    {
        int tokens = PriorsBenchmark.Arg(args, "--tokens", 1500);
        int features = PriorsBenchmark.Arg(args, "--features", 400);
        int codes = PriorsBenchmark.Arg(args, "--codes", 8929);
        int hidden = PriorsBenchmark.Arg(args, "--hidden", 1152);
        int batch = PriorsBenchmark.Arg(args, "--batch", 8);
        set_num_threads(Environment.ProcessorCount);
        Console.WriteLine($"{Environment.ProcessorCount} threads");
        foreach (var type in new[] { ScalarType.Float32, ScalarType.BFloat16 })
        {
            Console.WriteLine($"{type,-9} decoder [{tokens}, {features}] x [{features}, {codes}]: {Rate(tokens, features, codes, type),6:F1} GFLOP/s");
            Console.WriteLine($"{type,-9} LSTM step [{batch}, {hidden}] x [{hidden}, {4 * hidden}]: {Rate(batch, hidden, 4 * hidden, type),6:F1} GFLOP/s");
            if (type == ScalarType.Float32)
            {
                // bfloat16 runs at ~1-3 GFLOP/s in this libtorch build: a square product would take minutes.
                Console.WriteLine($"{type,-9} square [2048, 2048] x [2048, 2048]: {Rate(2048, 2048, 2048, type),6:F1} GFLOP/s");
            }
        }

        return 0;
    }

    /// <summary>GFLOP/s of [m, k] x [k, n] products of <paramref name="type"/>, timed over at least 1.5 s after a warm-up.</summary>
    internal static double Rate(long m, long k, long n, ScalarType type)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var a = randn(m, k).to(type);
        var b = randn(k, n).to(type);
        a.matmul(b).Dispose();
        var clock = Stopwatch.StartNew();
        int repeats = 0;
        while (clock.Elapsed.TotalSeconds < 1.5 || repeats < 1)
        {
            a.matmul(b).Dispose();
            repeats++;
        }

        return 2.0 * m * k * n * repeats / clock.Elapsed.TotalSeconds / 1e9;
    }
}
