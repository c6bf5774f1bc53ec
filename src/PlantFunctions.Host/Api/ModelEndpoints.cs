using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using PlantFunctions.Contracts.Models;
using PlantFunctions.Pipeline.Coding;
using PlantFunctions.Pipeline.Configuration;

namespace PlantFunctions.Host.Api;

/// <summary><c>/api/models</c>: list a model's versions (active one marked), upload a model file as a new version, activate one.</summary>
internal static class ModelEndpoints
{
    /// <summary>Largest model file accepted by an upload (a paper-size model with 9,000 codes is about 150 MB).</summary>
    public const long MaxModelBytes = 2L * 1024 * 1024 * 1024;

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

    /// <summary>
    /// Names, the version's absence and the declared size are checked before a byte of the body is read; the body is
    /// then spooled to a temporary file (not memory: a model file can be hundreds of MB), loaded once to check it, and
    /// registered If-None-Match.
    /// </summary>
    private static async Task<IResult> UploadAsync(string name, string version, HttpContext context, ModelRegistry registry, ModelUploader uploader,
        CancellationToken cancellationToken)
    {
        await registry.CheckNewVersionAsync(name, version, cancellationToken).ConfigureAwait(false);
        if (context.Request.ContentLength is > MaxModelBytes)
        {
            return RequestErrors.Error(StatusCodes.Status413PayloadTooLarge,
                $"the model file is {context.Request.ContentLength / (1024 * 1024):N0} MB; the limit is {MaxModelBytes / (1024 * 1024):N0} MB");
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxModelBytes;   // Kestrel's default (30 MB) is smaller than a CPU-preset model
        }

        bool activate = context.Request.Query.TryGetValue("activate", out var flag) && bool.TryParse(flag, out bool on) && on;
        var file = new FileStream(Path.Combine(Path.GetTempPath(), $"plant-upload-{Guid.NewGuid():N}.bin"), FileMode.CreateNew,
            FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        await using (file.ConfigureAwait(false))
        {
            await context.Request.Body.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
            file.Position = 0;
            var info = await uploader.UploadAsync(name, version, file, activate, cancellationToken).ConfigureAwait(false);
            return Results.Created($"/api/models/{Uri.EscapeDataString(name)}/versions", info);
        }
    }
}
