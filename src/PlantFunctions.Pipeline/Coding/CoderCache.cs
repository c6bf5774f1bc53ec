using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PlantFunctions.Model.Coding;
using PlantFunctions.Pipeline.Hosting;

namespace PlantFunctions.Pipeline.Coding;

/// <summary>
/// Loaded models of this worker process, one per model version, loaded once on the inference thread and kept for the
/// life of the process. A failed load is forgotten so the next shard tries again.
/// </summary>
public sealed partial class CoderCache(IServiceProvider services, ModelRegistry registry, InferenceThread inference, TimeProvider time, ILogger<CoderCache> logger) : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<Task<INoteCoder>>> coders = new(StringComparer.Ordinal);

    /// <summary>Model versions loaded so far.</summary>
    public IReadOnlyList<string> Loaded => [.. coders.Where(c => c.Value.IsValueCreated && c.Value.Value.IsCompletedSuccessfully).Select(c => c.Key)];

    /// <summary>Whether an <see cref="INoteCoderLoader"/> is registered at all.</summary>
    public bool HasLoader => services.GetService<INoteCoderLoader>() is not null;

    /// <summary>The coder of a model version, loading it on first use.</summary>
    public async Task<INoteCoder> GetAsync(ModelVersionInfo model, CancellationToken cancellationToken = default)
    {
        string key = $"{model.Name}/{model.Version}";
        var entry = coders.GetOrAdd(key, _ => new Lazy<Task<INoteCoder>>(() => LoadAsync(model)));
        try
        {
            return await entry.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (entry.Value.IsFaulted)
        {
            coders.TryRemove(new KeyValuePair<string, Lazy<Task<INoteCoder>>>(key, entry));
            throw;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var entry in coders.Values.Where(e => e.IsValueCreated && e.Value.IsCompletedSuccessfully))
        {
            var coder = entry.Value.Result;
            try
            {
                inference.RunAsync(() => { coder.Dispose(); return true; }).Wait(TimeSpan.FromSeconds(10));
            }
            catch (AggregateException)
            {
                // Shutting down: nothing more to do with a coder that will not dispose.
            }
        }

        coders.Clear();
    }

    private async Task<INoteCoder> LoadAsync(ModelVersionInfo model)
    {
        var loader = services.GetService<INoteCoderLoader>() ?? throw new InvalidOperationException(PlantModelRegistration.MissingLoaderMessage);
        var started = time.GetTimestamp();
        var content = await registry.DownloadAsync(model.Blob).ConfigureAwait(false);
        var coder = await inference.RunAsync(() =>
        {
            using var stream = content.ToStream();
            return loader.Load(stream);
        }).ConfigureAwait(false);
        LogLoaded(logger, model.Name, model.Version, content.ToMemory().Length, time.GetElapsedTime(started).TotalSeconds);
        return coder;
    }

    [LoggerMessage(EventId = 3000, Level = LogLevel.Information, Message = "Loaded model {ModelName} version {ModelVersion} ({Bytes} bytes) in {Seconds:F2} s")]
    private static partial void LogLoaded(ILogger logger, string modelName, string modelVersion, long bytes, double seconds);
}
