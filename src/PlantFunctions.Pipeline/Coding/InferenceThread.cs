using System.Collections.Concurrent;
using PlantFunctions.Model.Runtime;

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
    private readonly Action? initialize;

    /// <summary>Starts the thread; <paramref name="initialize"/>, if given, runs on it first (see <see cref="ForTorchThreads"/>).</summary>
    public InferenceThread(Action? initialize = null)
    {
        this.initialize = initialize;
        thread = new Thread(Run) { IsBackground = true, Name = "plant-inference" };
        thread.Start();
    }

    /// <summary>
    /// An inference thread whose libtorch operations use <paramref name="torchThreads"/> CPU threads (<c>Plant:Threads</c>;
    /// 0 keeps libtorch's default). The setting is per OS thread in libtorch's CPU build, hence applied on this thread.
    /// A libtorch that cannot load is reported by the first model load on the thread, with the loader's error.
    /// </summary>
    public static InferenceThread ForTorchThreads(int torchThreads) =>
        torchThreads <= 0 ? new InferenceThread() : new InferenceThread(() => TorchRuntime.UseThreads(torchThreads));

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
        try
        {
            initialize?.Invoke();
        }
        catch (Exception)
        {
            // A set-up step (such as the thread count) is an optimisation: the work items still run, and a runtime that
            // cannot load reports itself there, in the shard or health check that needs it.
        }
        foreach (var item in work.GetConsumingEnumerable())
        {
            item();
        }
    }
}
