using Microsoft.AspNetCore.Http.Json;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using PlantFunctions.Contracts.Instances;
using PlantFunctions.Contracts.Training;
using PlantFunctions.Pipeline.Training;

namespace PlantFunctions.Host.Api;

/// <summary><c>/api/training-jobs</c>: start (202 + management URLs), status (stage, epoch, loss, metrics, time left), terminate, purge.</summary>
internal static class TrainingEndpoints
{
    public static void MapTrainingEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/training-jobs").WithRequestErrors();
        group.MapPost("", async (HttpContext context, DurableTaskClient client, TrainingStarter starter, IOptions<JsonOptions> json, CancellationToken cancellationToken) =>
        {
            var request = await RequestBodies.ReadJsonAsync<TrainingJobRequest>(context.Request, json.Value.SerializerOptions, cancellationToken).ConfigureAwait(false);
            string id = await starter.StartAsync(client, request, cancellationToken).ConfigureAwait(false);
            return CheckStatus.Accepted(context, id);
        });
        group.MapGet("/{id}", async (string id, DurableTaskClient client, CancellationToken cancellationToken) =>
            await TrainingStarter.GetAsync(client, id, cancellationToken).ConfigureAwait(false) is { } status
                ? CheckStatus.Status(status)
                : RequestErrors.Error(StatusCodes.Status404NotFound, $"no training job '{id}'"));
        group.MapPost("/{id}/terminate", async (string id, string? reason, DurableTaskClient client, TrainingStarter starter, CancellationToken cancellationToken) =>
        {
            await starter.TerminateAsync(client, id, reason, cancellationToken).ConfigureAwait(false);
            return Results.Accepted();
        });
        group.MapDelete("/{id}", async (string id, DurableTaskClient client, TrainingStarter starter, CancellationToken cancellationToken) =>
            Results.Ok(new PurgeResponse(await starter.PurgeAsync(client, id, cancellationToken).ConfigureAwait(false))));
    }
}
