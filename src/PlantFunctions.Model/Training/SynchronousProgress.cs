namespace PlantFunctions.Model.Training;

/// <summary>
/// An <see cref="IProgress{T}"/> that reports on the calling thread, in order (the framework's <see cref="Progress{T}"/>
/// posts to the thread pool, so reports can arrive late and out of order).
/// </summary>
internal sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
