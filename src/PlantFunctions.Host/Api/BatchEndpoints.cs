using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using PlantFunctions.Pipeline.Batches;
using PlantFunctions.Pipeline.Orchestration;

namespace PlantFunctions.Host.Api;

/// <summary><c>/api/batches</c>: start (202 + status URLs), status (202 running, 200 finished, 404 unknown), terminate, purge.</summary>
internal static class BatchEndpoints
{
    public const string InstanceName = "CodeBatch";

    public static void MapBatchEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/batches");
        group.MapPost("", StartAsync);
        group.MapGet("/{id}", GetAsync);
        group.MapPost("/{id}/terminate", TerminateAsync);
        group.MapDelete("/{id}", PurgeAsync);
    }

    private static async Task<IResult> StartAsync(HttpContext context, BatchService batches, IOptions<JsonOptions> json, CancellationToken cancellationToken)
    {
        try
        {
            var request = await ApiResults.ReadJsonAsync<BatchStartRequest>(context.Request, json.Value.SerializerOptions, cancellationToken).ConfigureAwait(false);
            var view = await batches.StartAsync(request, "api", cancellationToken).ConfigureAwait(false);
            var urls = InstanceUrls.For(context, "batches", view.Id);
            return Results.Accepted(urls.StatusQueryGetUri, urls);
        }
        catch (PlantRequestException ex)
        {
            return ApiResults.From(ex);
        }
    }

    private static async Task<IResult> GetAsync(string id, BatchService batches, CancellationToken cancellationToken)
    {
        if (ApiResults.InvalidId(id, "batch id") is { } invalid)
        {
            return invalid;
        }

        var view = await batches.GetAsync(id, cancellationToken).ConfigureAwait(false);
        if (view is null)
        {
            return ApiResults.Error(StatusCodes.Status404NotFound, $"no batch '{id}'");
        }

        return Results.Json(ToStatus(view), statusCode: view.Status.IsTerminal() ? StatusCodes.Status200OK : StatusCodes.Status202Accepted);
    }

    private static async Task<IResult> TerminateAsync(string id, string? reason, BatchService batches, CancellationToken cancellationToken)
    {
        if (ApiResults.InvalidId(id, "batch id") is { } invalid)
        {
            return invalid;
        }

        try
        {
            await batches.TerminateAsync(id, reason, cancellationToken).ConfigureAwait(false);
            return Results.Accepted();
        }
        catch (PlantRequestException ex)
        {
            return ApiResults.From(ex);
        }
    }

    private static async Task<IResult> PurgeAsync(string id, BatchService batches, CancellationToken cancellationToken)
    {
        if (ApiResults.InvalidId(id, "batch id") is { } invalid)
        {
            return invalid;
        }

        try
        {
            await batches.PurgeAsync(id, cancellationToken).ConfigureAwait(false);
            return Results.Ok(new { instancesDeleted = 1 });
        }
        catch (PlantRequestException ex)
        {
            return ApiResults.From(ex);
        }
    }

    internal static InstanceStatus ToStatus(BatchView view)
    {
        var input = new
        {
            container = view.Container,
            prefix = view.Prefix,
            modelName = view.ModelName,
            modelVersion = view.ModelVersion,
            notesPerShard = view.NotesPerShard,
            errorThreshold = view.ErrorThreshold,
            origin = view.Origin,
        };
        int done = view.ShardsCompleted + view.ShardsFailed;
        var progress = new
        {
            shards = new { total = view.ShardsTotal, completed = view.ShardsCompleted, failed = view.ShardsFailed },
            notes = new { total = view.NotesTotal, coded = view.NotesCoded, failed = view.NotesFailed },
            percentComplete = view.ShardsTotal == 0 ? (view.Status.IsTerminal() ? 100.0 : 0.0) : Math.Round(100.0 * done / view.ShardsTotal, 1),
            startedTime = view.StartedTime,
        };
        object? output = view.Status.IsTerminal()
            ? new
            {
                resultsContainer = view.ResultsContainer,
                resultsPrefix = view.ResultsPrefix,
                summary = view.SummaryBlob,
                notesCoded = view.NotesCoded,
                notesFailed = view.NotesFailed,
                completedTime = view.CompletedTime,
                error = view.Error,
            }
            : null;
        return new InstanceStatus(InstanceName, view.Id, view.Status, input, progress, output, view.CreatedTime, view.LastUpdatedTime);
    }
}
