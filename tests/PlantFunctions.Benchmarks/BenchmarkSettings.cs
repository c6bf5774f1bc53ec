namespace PlantFunctions.Benchmarks;

/// <summary>What one run of the service benchmark runs (with <see cref="KillAtPercent"/>: the first worker is killed once the batch is that far).</summary>
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
    int Threads,
    int ShardsPerGeneration,
    TimeSpan QueuePolling,
    int Replays,
    bool ReplayAllEpisodes,
    bool WarmWorkers,
    double? KillAtPercent = null,
    TimeSpan? VisibilityTimeout = null,
    int FakeDelayMilliseconds = 0);
