using Microsoft.DurableTask.Client;
using PlantFunctions.Contracts.Instances;
using PlantFunctions.Pipeline;
using PlantFunctions.Pipeline.Batches;
using PlantFunctions.Pipeline.Instances;

namespace PlantFunctions.Host.Api;

/// <summary>
/// Durable Functions' instance-management API (<c>/runtime/webhooks/durabletask/instances/{id}</c>), which the
/// Functions host provides itself and the local host provides here, with the same routes and answers: status (202
/// running, 200 finished, 404 unknown), purge, terminate, raise an event, suspend, resume. These act on the engine
/// only (a batch terminated here is closed out by the sweep, as in Azure), except that a batch is purged as
/// <c>DELETE /api/batches/{id}</c> purges it: refused (409) until its close-out has finished.
/// </summary>
internal static class WebhookEndpoints
{
    public static void MapWebhookEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/runtime/webhooks/durabletask/instances").WithRequestErrors();
        group.MapGet("/{id}", async (string id, DurableTaskClient client, CancellationToken cancellationToken) =>
        {
            var metadata = await client.GetInstanceAsync(id, getInputsAndOutputs: true, cancellationToken).ConfigureAwait(false);
            if (metadata is { Name: TaskNames.CodeBatch })
            {
                // The batch's progress with its blocks in flight counted, as GET /api/batches/{id} answers it.
                return await BatchStarter.GetAsync(client, id, cancellationToken).ConfigureAwait(false) is { } batch ? CheckStatus.Status(batch) : Results.NotFound();
            }

            return metadata is not null ? CheckStatus.Status(InstanceStatuses.From(metadata)) : Results.NotFound();
        });
        group.MapDelete("/{id}", async (string id, DurableTaskClient client, BatchStarter batches, CancellationToken cancellationToken) =>
        {
            var metadata = await client.GetInstanceAsync(id, cancellationToken).ConfigureAwait(false);
            if (metadata is null)
            {
                return Results.NotFound();
            }

            if (metadata.Name == TaskNames.CodeBatch)
            {
                // A batch is purged as DELETE /api/batches/{id} purges it: not before its close-out has finished (409).
                return Results.Ok(new PurgeResponse(await batches.PurgeAsync(client, id, cancellationToken).ConfigureAwait(false)));
            }

            if (!metadata.IsCompleted)
            {
                return RequestErrors.Error(StatusCodes.Status409Conflict, $"'{id}' is {metadata.RuntimeStatus}: only finished instances can be purged");
            }

            var purged = await client.PurgeInstanceAsync(id, cancellation: cancellationToken).ConfigureAwait(false);
            return Results.Ok(new PurgeResponse(purged.PurgedInstanceCount));
        });
        group.MapPost("/{id}/terminate", (string id, string? reason, DurableTaskClient client, CancellationToken cancellationToken) =>
            ActOnRunningAsync(client, id, c => c.TerminateInstanceAsync(id, reason, cancellationToken), cancellationToken));
        group.MapPost("/{id}/suspend", (string id, string? reason, DurableTaskClient client, CancellationToken cancellationToken) =>
            ActOnRunningAsync(client, id, c => c.SuspendInstanceAsync(id, reason, cancellationToken), cancellationToken));
        group.MapPost("/{id}/resume", (string id, string? reason, DurableTaskClient client, CancellationToken cancellationToken) =>
            ActOnRunningAsync(client, id, c => c.ResumeInstanceAsync(id, reason, cancellationToken), cancellationToken));
        group.MapPost("/{id}/raiseEvent/{eventName}", async (string id, string eventName, HttpRequest request, DurableTaskClient client, CancellationToken cancellationToken) =>
        {
            using var reader = new StreamReader(request.Body);
            string body = await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
            object? payload;
            try
            {
                payload = body.Length == 0 ? null : System.Text.Json.JsonDocument.Parse(body).RootElement.Clone();
            }
            catch (System.Text.Json.JsonException ex)
            {
                return RequestErrors.Error(StatusCodes.Status400BadRequest, $"the event body is not valid JSON: {ex.Message}");
            }

            return await ActOnRunningAsync(client, id, c => c.RaiseEventAsync(id, eventName, payload, cancellationToken), cancellationToken).ConfigureAwait(false);
        });
    }

    private static async Task<IResult> ActOnRunningAsync(DurableTaskClient client, string id, Func<DurableTaskClient, Task> action, CancellationToken cancellationToken)
    {
        var metadata = await client.GetInstanceAsync(id, cancellationToken).ConfigureAwait(false);
        if (metadata is null)
        {
            return Results.NotFound();
        }

        if (metadata.IsCompleted)
        {
            return Results.StatusCode(StatusCodes.Status410Gone);
        }

        await action(client).ConfigureAwait(false);
        return Results.Accepted();
    }
}
