using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Logging;

namespace PlantFunctions.Pipeline.Storage;

/// <summary>
/// A receive loop over one queue: one message at a time with a visibility timeout, waiting longer (up to the poll
/// interval) while the queue is empty. Each iteration catches and logs, so one bad message never stops the loop.
/// </summary>
public static partial class QueuePoller
{
    /// <summary>Runs until <paramref name="stopping"/> fires.</summary>
    public static async Task RunAsync(QueueClient queue, TimeSpan visibility, TimeSpan pollInterval, TimeProvider time, ILogger logger,
        Func<QueueMessage, CancellationToken, Task> handle, CancellationToken stopping)
    {
        var idle = TimeSpan.FromMilliseconds(50);
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                var messages = (await queue.ReceiveMessagesAsync(1, visibility, stopping).ConfigureAwait(false)).Value;
                if (messages.Length == 0)
                {
                    await Task.Delay(idle, time, stopping).ConfigureAwait(false);
                    idle = TimeSpan.FromTicks(Math.Min(pollInterval.Ticks, idle.Ticks * 2));
                    continue;
                }

                idle = TimeSpan.FromMilliseconds(50);
                await handle(messages[0], stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogLoopError(logger, ex, queue.Name);
                try
                {
                    await Task.Delay(pollInterval, time, stopping).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Error, Message = "Error in the receive loop of queue {Queue}; continuing")]
    private static partial void LogLoopError(ILogger logger, Exception exception, string queue);
}
