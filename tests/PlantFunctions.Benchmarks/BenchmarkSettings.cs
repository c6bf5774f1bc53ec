namespace PlantFunctions.Benchmarks;

/// <summary>What the benchmark runs.</summary>
internal sealed record BenchmarkSettings(
    int Workers,
    int LoopsPerWorker,
    int NotesPerShard,
    int Notes,
    int MedianWords,
    string? NotesPath,
    string ModelFile,
    string WorkerHost,
    string Device,
    int Threads);
