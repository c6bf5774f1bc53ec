using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using PlantFunctions.Pipeline.Orchestration;
using PlantFunctions.Pipeline.Training;

namespace PlantFunctions.Host.Api;

/// <summary><c>/api/training-jobs</c>: start (202 + status URLs), status with phase/epoch/loss/metrics/ETA, terminate, purge.</summary>
internal static class TrainingEndpoints
{
    public const string InstanceName = "TrainModel";

    public static void MapTrainingEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/training-jobs");
        group.MapPost("", StartAsync);
        group.MapGet("/{id}", GetAsync);
        group.MapPost("/{id}/terminate", TerminateAsync);
        group.MapDelete("/{id}", PurgeAsync);
    }

    private static async Task<IResult> StartAsync(HttpContext context, TrainingJobService jobs, IOptions<JsonOptions> json, CancellationToken cancellationToken)
    {
        try
        {
            var request = await ApiResults.ReadJsonAsync<TrainingJobRequest>(context.Request, json.Value.SerializerOptions, cancellationToken).ConfigureAwait(false);
            var view = await jobs.StartAsync(request, cancellationToken).ConfigureAwait(false);
            var urls = InstanceUrls.For(context, "training-jobs", view.Id);
            return Results.Accepted(urls.StatusQueryGetUri, urls);
        }
        catch (PlantRequestException ex)
        {
            return ApiResults.From(ex);
        }
    }

    private static async Task<IResult> GetAsync(string id, TrainingJobService jobs, CancellationToken cancellationToken)
    {
        if (ApiResults.InvalidId(id, "training job id") is { } invalid)
        {
            return invalid;
        }

        var view = await jobs.GetAsync(id, cancellationToken).ConfigureAwait(false);
        if (view is null)
        {
            return ApiResults.Error(StatusCodes.Status404NotFound, $"no training job '{id}'");
        }

        var progress = new
        {
            phase = view.Phase,
            epoch = view.Epoch,
            epochs = view.Epochs,
            step = view.Step,
            steps = view.Steps,
            loss = view.Loss,
            metrics = view.Metrics,
            etaSeconds = view.RemainingSeconds,
            attempts = view.Attempts,
            resumedFromCheckpoint = view.ResumedFromCheckpoint,
        };
        object? output = view.Status.IsTerminal() ? new { model = view.Output, error = view.Error } : null;
        var status = new InstanceStatus(InstanceName, view.Id, view.Status, view.Request, progress, output, view.CreatedTime, view.LastUpdatedTime);
        return Results.Json(status, statusCode: view.Status.IsTerminal() ? StatusCodes.Status200OK : StatusCodes.Status202Accepted);
    }

    private static async Task<IResult> TerminateAsync(string id, string? reason, TrainingJobService jobs, CancellationToken cancellationToken)
    {
        if (ApiResults.InvalidId(id, "training job id") is { } invalid)
        {
            return invalid;
        }

        try
        {
            await jobs.TerminateAsync(id, reason, cancellationToken).ConfigureAwait(false);
            return Results.Accepted();
        }
        catch (PlantRequestException ex)
        {
            return ApiResults.From(ex);
        }
    }

    private static async Task<IResult> PurgeAsync(string id, TrainingJobService jobs, CancellationToken cancellationToken)
    {
        if (ApiResults.InvalidId(id, "training job id") is { } invalid)
        {
            return invalid;
        }

        try
        {
            await jobs.PurgeAsync(id, cancellationToken).ConfigureAwait(false);
            return Results.Ok(new { instancesDeleted = 1 });
        }
        catch (PlantRequestException ex)
        {
            return ApiResults.From(ex);
        }
    }
}
