using System.Collections.Concurrent;

namespace PlantFunctions.Pipeline.Coding;

/// <summary>
/// The one thread of a worker process that touches the model (torch code is synchronous and thread-bound: dispose
/// scopes and no_grad are per thread). Async callers hand it work and await the result; it runs one item at a time,
/// so a process runs one inference stream on its device however many work-item loops it has.
/// </summary>
public sealed class InferenceThread : IDisposable
{
    private readonly BlockingCollection<Action> work = [];
    private readonly Thread thread;

    /// <summary>Starts the thread.</summary>
    public InferenceThread()
    {
        thread = new Thread(Run) { IsBackground = true, Name = "plant-inference" };
        thread.Start();
    }

    /// <summary>Runs <paramref name="function"/> on the inference thread. Work not yet started when the token fires is skipped.</summary>
    public Task<T> RunAsync<T>(Func<T> function, CancellationToken cancellationToken = default)
    {
        var completion = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        work.Add(() =>
        {
            if (cancellationToken.IsCancellationRequested)
            {
                completion.TrySetCanceled(cancellationToken);
                return;
            }

            try
            {
                completion.TrySetResult(function());
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                completion.TrySetCanceled(cancellationToken);
            }
            catch (Exception ex)
            {
                completion.TrySetException(ex);
            }
        }, CancellationToken.None);
        return completion.Task;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        work.CompleteAdding();
        thread.Join(TimeSpan.FromSeconds(30));
        work.Dispose();
    }

    private void Run()
    {
        foreach (var item in work.GetConsumingEnumerable())
        {
            item();
        }
    }
}
