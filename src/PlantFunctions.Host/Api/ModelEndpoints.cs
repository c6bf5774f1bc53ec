using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using PlantFunctions.Contracts.Models;
using PlantFunctions.Pipeline.Coding;
using PlantFunctions.Pipeline.Configuration;

namespace PlantFunctions.Host.Api;

/// <summary><c>/api/models</c>: list a model's versions (active one marked), upload a model file as a new version, activate one.</summary>
internal static class ModelEndpoints
{
    public static void MapModelEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/models").WithRequestErrors();
        group.MapPut("/{name}/versions/{version}", UploadAsync);
        group.MapGet("", (ModelRegistry registry, IOptions<PlantOptions> plant, CancellationToken ct) => ListAsync(plant.Value.ModelName, registry, ct));
        group.MapGet("/{name}/versions", (string name, ModelRegistry registry, CancellationToken ct) => ListAsync(name, registry, ct));
        group.MapPost("/{name}/versions/{version}/activate", async (string name, string version, ModelRegistry registry, CancellationToken ct) =>
        {
            if (!NameRules.IsValidModelName(name, out string? reason) || !NameRules.IsValidId(version, "model version", out reason))
            {
                return RequestErrors.Error(StatusCodes.Status400BadRequest, reason!);
            }

            return Results.Ok(await registry.ActivateAsync(name, version, ct).ConfigureAwait(false));
        });
    }

    private static async Task<IResult> ListAsync(string name, ModelRegistry registry, CancellationToken cancellationToken)
    {
        if (!NameRules.IsValidModelName(name, out string? reason))
        {
            return RequestErrors.Error(StatusCodes.Status400BadRequest, reason!);
        }

        var versions = await registry.ListAsync(name, cancellationToken).ConfigureAwait(false);
        return Results.Ok(new ModelVersionList(name, versions.FirstOrDefault(v => v.IsActive)?.Version, versions));
    }

    /// <summary>Checks come before the body is read (see <see cref="ModelUploader.UploadRequestAsync"/>).</summary>
    private static async Task<IResult> UploadAsync(string name, string version, HttpContext context, ModelUploader uploader, CancellationToken cancellationToken)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = ModelUploader.MaxModelBytes;   // Kestrel's default (30 MB) is smaller than a CPU-preset model
        }

        bool activate = context.Request.Query.TryGetValue("activate", out var flag) && bool.TryParse(flag, out bool on) && on;
        var info = await uploader.UploadRequestAsync(name, version, context.Request.Body, context.Request.ContentLength, activate, cancellationToken).ConfigureAwait(false);
        return Results.Created($"/api/models/{Uri.EscapeDataString(name)}/versions", info);
    }
}
