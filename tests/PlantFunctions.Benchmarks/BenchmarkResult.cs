using PlantFunctions.Pipeline.Batches;

namespace PlantFunctions.Benchmarks;

/// <summary>What one run measured.</summary>
internal sealed record BenchmarkResult(BatchView Batch, BatchSummary? Summary, TimeSpan WallClock, string ModelVersion);
