using Microsoft.AspNetCore.Http.Json;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using PlantFunctions.Contracts.Batches;
using PlantFunctions.Contracts.Instances;
using PlantFunctions.Pipeline.Batches;

namespace PlantFunctions.Host.Api;

/// <summary><c>/api/batches</c>: start (202 + management URLs), status (202 running, 200 finished, 404), terminate (then close out), purge.</summary>
internal static class BatchEndpoints
{
    public static void MapBatchEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/batches").WithRequestErrors();
        group.MapPost("", async (HttpContext context, DurableTaskClient client, BatchStarter starter, IOptions<JsonOptions> json, CancellationToken cancellationToken) =>
        {
            var request = await RequestBodies.ReadJsonAsync<BatchStartRequest>(context.Request, json.Value.SerializerOptions, cancellationToken).ConfigureAwait(false);
            string id = await starter.StartAsync(client, request, "api", cancellationToken).ConfigureAwait(false);
            return CheckStatus.Accepted(context, id);
        });
        group.MapGet("/{id}", async (string id, DurableTaskClient client, CancellationToken cancellationToken) =>
            await BatchStarter.GetAsync(client, id, cancellationToken).ConfigureAwait(false) is { } status
                ? CheckStatus.Status(status)
                : RequestErrors.Error(StatusCodes.Status404NotFound, $"no batch '{id}'"));
        group.MapPost("/{id}/terminate", async (string id, string? reason, DurableTaskClient client, BatchStarter starter, CancellationToken cancellationToken) =>
        {
            await starter.TerminateAsync(client, id, reason, cancellationToken).ConfigureAwait(false);
            return Results.Accepted();
        });
        group.MapDelete("/{id}", async (string id, DurableTaskClient client, BatchStarter starter, CancellationToken cancellationToken) =>
            Results.Ok(new PurgeResponse(await starter.PurgeAsync(client, id, cancellationToken).ConfigureAwait(false))));
    }
}
