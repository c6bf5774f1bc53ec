using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;

namespace PlantFunctions.Pipeline.Storage;

/// <summary>
/// The claim on one received queue message: extends its visibility while work goes on (keeping the newest pop
/// receipt), and ends it by deleting the message or by letting it reappear after a delay. When an extension finds the
/// message gone (the claim expired and another worker took it), <see cref="Lost"/> is cancelled.
/// </summary>
public sealed class MessageLease : IAsyncDisposable
{
    private readonly QueueClient queue;
    private readonly TimeSpan visibility;
    private readonly TimeProvider time;
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly CancellationTokenSource lost = new();
    private readonly CancellationTokenSource stopHeartbeat = new();
    private Task heartbeat = Task.CompletedTask;
    private string popReceipt;
    private bool ended;

    /// <summary>Wraps a message just received with <paramref name="visibility"/>.</summary>
    public MessageLease(QueueClient queue, QueueMessage message, TimeSpan visibility, TimeProvider time)
    {
        this.queue = queue;
        this.visibility = visibility;
        this.time = time;
        Message = message;
        popReceipt = message.PopReceipt;
    }

    /// <summary>The message as received.</summary>
    public QueueMessage Message { get; }

    /// <summary>Cancelled when the claim was lost to another receiver.</summary>
    public CancellationToken Lost => lost.Token;

    /// <summary>
    /// Extends the visibility every third of the timeout until the lease ends; <paramref name="onBeat"/> runs after each
    /// extension (e.g. to notice a terminated batch).
    /// </summary>
    public void StartHeartbeat(Func<CancellationToken, Task>? onBeat = null)
    {
        heartbeat = Task.Run(async () =>
        {
            var period = visibility / 3;
            while (!stopHeartbeat.IsCancellationRequested)
            {
                try
                {
                    await Task.Delay(period, time, stopHeartbeat.Token).ConfigureAwait(false);
                    if (!await ExtendAsync(visibility, stopHeartbeat.Token).ConfigureAwait(false))
                    {
                        return;
                    }

                    if (onBeat is not null)
                    {
                        await onBeat(stopHeartbeat.Token).ConfigureAwait(false);
                    }
                }
                catch (OperationCanceledException) when (stopHeartbeat.IsCancellationRequested)
                {
                    return;
                }
                catch (RequestFailedException)
                {
                    // A transient storage error: try again at the next beat, well before the claim runs out.
                }
            }
        });
    }

    /// <summary>Deletes the message (the work is done or dropped). A claim already lost is not an error.</summary>
    public async Task DeleteAsync(CancellationToken cancellationToken = default)
    {
        await StopHeartbeatAsync().ConfigureAwait(false);
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (ended)
            {
                return;
            }

            ended = true;
            await queue.DeleteMessageAsync(Message.MessageId, popReceipt, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 400)
        {
            // Someone else holds (or finished) the message now.
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Ends the claim and lets the message reappear after <paramref name="delay"/> (retry with backoff).</summary>
    public async Task ReleaseAsync(TimeSpan delay, CancellationToken cancellationToken = default)
    {
        await StopHeartbeatAsync().ConfigureAwait(false);
        await ExtendAsync(delay, cancellationToken).ConfigureAwait(false);
        ended = true;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopHeartbeatAsync().ConfigureAwait(false);
        lost.Dispose();
        stopHeartbeat.Dispose();
        gate.Dispose();
    }

    private async Task StopHeartbeatAsync()
    {
        if (!stopHeartbeat.IsCancellationRequested)
        {
            await stopHeartbeat.CancelAsync().ConfigureAwait(false);
        }

        await heartbeat.ConfigureAwait(false);
    }

    private async Task<bool> ExtendAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (ended)
            {
                return false;
            }

            var receipt = await queue.UpdateMessageAsync(Message.MessageId, popReceipt, messageText: null, visibilityTimeout: timeout,
                cancellationToken: cancellationToken).ConfigureAwait(false);
            popReceipt = receipt.Value.PopReceipt;
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 400)
        {
            ended = true;
            await lost.CancelAsync().ConfigureAwait(false);
            return false;
        }
        finally
        {
            gate.Release();
        }
    }
}
