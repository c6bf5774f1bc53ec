using PlantFunctions.Benchmarks;

var benchmarks = new Dictionary<string, Func<string[], int>>(StringComparer.OrdinalIgnoreCase)
{
    ["priors"] = PriorsBenchmark.Run,
    ["service"] = ServiceBenchmark.Run,
    ["replay"] = ServiceBenchmark.RunReplay,
    ["failover"] = ServiceBenchmark.RunFailover,
    ["coding"] = CodingBenchmark.Run,
    ["training"] = TrainingBenchmark.Run,
    ["matmul"] = MatmulBenchmark.Run,
    ["assertions"] = AssertionBenchmark.Run,
};

if (args.Length == 0 || !benchmarks.TryGetValue(args[0], out var run))
{
    Console.WriteLine($"usage: dotnet run -c Release --project tests/PlantFunctions.Benchmarks -- <{string.Join('|', benchmarks.Keys)}> [options]");
    return 2;
}

Console.WriteLine(Machine.Describe());
return run(args[1..]);
