using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PlantFunctions.Model.Coding;
using PlantFunctions.Pipeline.Configuration;
using PlantFunctions.Contracts.Models;
using PlantFunctions.Pipeline.Hosting;

namespace PlantFunctions.Pipeline.Coding;

/// <summary>
/// Loaded models of this worker process, one per model version, loaded once on the inference thread. Shards borrow a
/// coder with <see cref="AcquireAsync"/> and give it back by disposing the lease. At most
/// <c>Plant:Workers:MaxLoadedModels</c> versions stay loaded: beyond that, the least recently used version that no
/// shard holds is disposed (on the inference thread), so a long-running worker does not keep every version it ever
/// coded with. A failed load is forgotten so the next shard tries again, except a file the loader refuses
/// (<see cref="InvalidDataException"/>): versions are immutable, so that version fails at once from then on with a
/// <see cref="ModelLoadException"/>, without downloading the file again.
/// </summary>
public sealed partial class CoderCache(
    IServiceProvider services,
    ModelRegistry registry,
    InferenceThread inference,
    TimeProvider time,
    IOptions<WorkerOptions> options,
    ILogger<CoderCache> logger) : IDisposable
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, Entry> entries = new(StringComparer.Ordinal);
    private long clock;

    /// <summary>Model versions loaded now.</summary>
    public IReadOnlyList<string> Loaded
    {
        get
        {
            lock (gate)
            {
                return [.. entries.Where(e => e.Value.Load.IsCompletedSuccessfully).Select(e => e.Key)];
            }
        }
    }

    /// <summary>Whether an <see cref="INoteCoderLoader"/> is registered at all.</summary>
    public bool HasLoader => services.GetService<INoteCoderLoader>() is not null;

    /// <summary>Borrows the coder of a model version, loading it on first use; dispose the lease when the shard is coded.</summary>
    public async Task<CoderLease> AcquireAsync(ModelVersionInfo model, CancellationToken cancellationToken = default)
    {
        string key = $"{model.Name}/{model.Version}";
        Entry entry;
        bool isNew;
        lock (gate)
        {
            isNew = !entries.ContainsKey(key);
        }

        if (isNew)
        {
            EvictDownTo(options.Value.MaxLoadedModels - 1);   // make room before loading, not after
        }

        lock (gate)
        {
            if (!entries.TryGetValue(key, out entry!))
            {
                entry = new Entry(key, LoadAsync(model));
                entries[key] = entry;
            }

            entry.Users++;
        }

        try
        {
            var coder = await entry.Load.WaitAsync(cancellationToken).ConfigureAwait(false);
            EvictDownTo(options.Value.MaxLoadedModels);
            return new CoderLease(coder, () => Release(entry));
        }
        catch (Exception)
        {
            lock (gate)
            {
                entry.Users--;
                if (entry.Load.IsFaulted && entry.Load.Exception?.InnerException is not ModelLoadException
                    && entries.TryGetValue(key, out var current) && ReferenceEquals(current, entry))
                {
                    entries.Remove(key);
                }
            }

            throw;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        List<Entry> all;
        lock (gate)
        {
            all = [.. entries.Values];
            entries.Clear();
        }

        foreach (var entry in all.Where(e => e.Load.IsCompletedSuccessfully))
        {
            try
            {
                inference.RunAsync(() => { entry.Load.Result.Dispose(); return true; }).Wait(TimeSpan.FromSeconds(10));
            }
            catch (AggregateException)
            {
                // Shutting down: nothing more to do with a coder that will not dispose.
            }
        }
    }

    private void Release(Entry entry)
    {
        lock (gate)
        {
            entry.Users--;
            entry.LastUsed = ++clock;
        }

        EvictDownTo(options.Value.MaxLoadedModels);
    }

    /// <summary>Unloads least recently used idle versions until at most <paramref name="limit"/> are loaded (held ones stay).</summary>
    private void EvictDownTo(int limit)
    {
        var evicted = new List<Entry>();
        lock (gate)
        {
            while (entries.Values.Count(e => e.Load.IsCompletedSuccessfully) > limit)
            {
                var idle = entries.Values.Where(e => e.Users == 0 && e.Load.IsCompletedSuccessfully).MinBy(e => e.LastUsed);
                if (idle is null)
                {
                    break;   // every loaded version is in use: over the limit until one is given back
                }

                entries.Remove(idle.Key);
                evicted.Add(idle);
            }
        }

        foreach (var entry in evicted)
        {
            var coder = entry.Load.Result;
            _ = inference.RunAsync(() => { coder.Dispose(); return true; });
            LogEvicted(logger, entry.Key, options.Value.MaxLoadedModels);
        }
    }

    private async Task<INoteCoder> LoadAsync(ModelVersionInfo model)
    {
        await Task.Yield();   // never load under the caller's lock
        var loader = services.GetService<INoteCoderLoader>() ?? throw new InvalidOperationException(PlantModelRegistration.MissingLoaderMessage);
        using var span = Telemetry.PlantTelemetry.Source.StartActivity("LoadModel");
        span?.SetTag("plant.model_version", model.Version);
        var started = time.GetTimestamp();
        var content = await registry.DownloadAsync(model.Blob).ConfigureAwait(false);
        INoteCoder coder;
        try
        {
            coder = await inference.RunAsync(() =>
            {
                using var stream = content.ToStream();
                return loader.Load(stream);
            }).ConfigureAwait(false);
        }
        catch (InvalidDataException ex)
        {
            throw new ModelLoadException($"model '{model.Name}' version '{model.Version}' cannot be loaded by this service: {ex.Message}", ex);
        }
        double seconds = time.GetElapsedTime(started).TotalSeconds;
        Telemetry.PlantTelemetry.ModelLoaded(model.Version, seconds);
        LogLoaded(logger, model.Name, model.Version, content.ToMemory().Length, seconds);
        return coder;
    }

    [LoggerMessage(EventId = 3000, Level = LogLevel.Information, Message = "Loaded model {ModelName} version {ModelVersion} ({Bytes} bytes) in {Seconds:F2} s")]
    private static partial void LogLoaded(ILogger logger, string modelName, string modelVersion, long bytes, double seconds);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Unloaded model {Model}: more than Plant:Workers:MaxLoadedModels ({Limit}) versions were loaded and it was the least recently used")]
    private static partial void LogEvicted(ILogger logger, string model, int limit);

    private sealed class Entry(string key, Task<INoteCoder> load)
    {
        public string Key { get; } = key;

        public Task<INoteCoder> Load { get; } = load;

        public int Users { get; set; }

        public long LastUsed { get; set; }
    }
}

/// <summary>A borrowed coder; dispose it to give it back (the cache may then unload an idle version).</summary>
public sealed class CoderLease(INoteCoder coder, Action release) : IDisposable
{
    private int released;

    /// <summary>The coder (use it on the inference thread).</summary>
    public INoteCoder Coder { get; } = coder;

    /// <inheritdoc />
    public void Dispose()
    {
        if (Interlocked.Exchange(ref released, 1) == 0)
        {
            release();
        }
    }
}
