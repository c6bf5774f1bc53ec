using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using PlantFunctions.Pipeline.Batches;
using PlantFunctions.Pipeline.Training;

namespace PlantFunctions.Functions.Triggers;

/// <summary>
/// Every minute: starts the close-out of batches terminated through Durable's own terminate URL (which knows nothing of
/// close-outs), so they too end with one record per note and a summary; marks terminated training jobs stopped.
/// </summary>
public sealed class CloseOutTimer(BatchStarter batches, TrainingStarter training)
{
    /// <summary>The sweep.</summary>
    [Function("CloseOutTerminated")]
    public async Task RunAsync([TimerTrigger("0 */1 * * * *")] TimerInfo timer, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken)
    {
        await batches.CloseOutTerminatedAsync(client, cancellationToken).ConfigureAwait(false);
        await training.StopTerminatedAsync(client, cancellationToken).ConfigureAwait(false);
    }
}
