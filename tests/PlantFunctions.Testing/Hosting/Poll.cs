namespace PlantFunctions.Testing.Hosting;

/// <summary>Waits for a condition instead of sleeping: polls until it holds or the timeout passes.</summary>
public static class Poll
{
    /// <summary>Polls <paramref name="condition"/> every 100 ms; throws <see cref="TimeoutException"/> naming <paramref name="what"/>.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, Func<string>? diagnostics = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (!await condition().ConfigureAwait(false))
        {
            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException($"timed out after {timeout} waiting for {what}{(diagnostics is null ? "" : Environment.NewLine + diagnostics())}");
            }

            await Task.Delay(100).ConfigureAwait(false);
        }
    }

    /// <summary>Polls for a value until <paramref name="accept"/> takes it.</summary>
    public static async Task<T> ForAsync<T>(Func<Task<T>> read, Func<T, bool> accept, TimeSpan timeout, string what, Func<string>? diagnostics = null)
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(accept);
        T value = default!;
        await UntilAsync(async () => accept(value = await read().ConfigureAwait(false)), timeout, what, diagnostics).ConfigureAwait(false);
        return value;
    }
}
