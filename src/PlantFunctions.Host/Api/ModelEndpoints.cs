using Microsoft.Extensions.Options;
using PlantFunctions.Pipeline.Coding;
using PlantFunctions.Pipeline.Configuration;
using PlantFunctions.Pipeline.Orchestration;

namespace PlantFunctions.Host.Api;

/// <summary><c>/api/models</c>: list a model's versions (active one marked) and activate one.</summary>
internal static class ModelEndpoints
{
    public static void MapModelEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/models", (ModelRegistry registry, IOptions<PlantOptions> plant, CancellationToken ct) => ListAsync(plant.Value.ModelName, registry, ct));
        app.MapGet("/api/models/{name}/versions", (string name, ModelRegistry registry, CancellationToken ct) => ListAsync(name, registry, ct));
        app.MapPost("/api/models/{name}/versions/{version}/activate", ActivateAsync);
    }

    private static async Task<IResult> ListAsync(string name, ModelRegistry registry, CancellationToken cancellationToken)
    {
        if (!NameRules.IsValidModelName(name, out string? reason))
        {
            return ApiResults.Error(StatusCodes.Status400BadRequest, reason!);
        }

        var versions = await registry.ListAsync(name, cancellationToken).ConfigureAwait(false);
        return Results.Ok(new { name, activeVersion = versions.FirstOrDefault(v => v.IsActive)?.Version, versions });
    }

    private static async Task<IResult> ActivateAsync(string name, string version, ModelRegistry registry, CancellationToken cancellationToken)
    {
        if (!NameRules.IsValidModelName(name, out string? reason) || !NameRules.IsValidId(version, "model version", out reason))
        {
            return ApiResults.Error(StatusCodes.Status400BadRequest, reason!);
        }

        try
        {
            return Results.Ok(await registry.ActivateAsync(name, version, cancellationToken).ConfigureAwait(false));
        }
        catch (PlantRequestException ex)
        {
            return ApiResults.From(ex);
        }
    }
}
