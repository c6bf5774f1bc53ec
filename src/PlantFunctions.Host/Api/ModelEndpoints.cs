using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using PlantFunctions.Pipeline.Coding;
using PlantFunctions.Pipeline.Configuration;
using PlantFunctions.Pipeline.Orchestration;

namespace PlantFunctions.Host.Api;

/// <summary><c>/api/models</c>: list a model's versions (active one marked), upload a model file as a new version, activate one.</summary>
internal static class ModelEndpoints
{
    /// <summary>Largest model file accepted by an upload (a paper-size model with 9,000 codes is about 150 MB).</summary>
    public const long MaxModelBytes = 2L * 1024 * 1024 * 1024;

    public static void MapModelEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPut("/api/models/{name}/versions/{version}", UploadAsync);
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

    private static async Task<IResult> UploadAsync(string name, string version, HttpContext context, ModelUploader uploader, CancellationToken cancellationToken)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxModelBytes;   // Kestrel's default (30 MB) is smaller than a CPU-preset model
        }

        bool activate = context.Request.Query.TryGetValue("activate", out var flag) && bool.TryParse(flag, out bool on) && on;
        try
        {
            // Spooled to a temporary file, not memory: a model file can be hundreds of MB and this process also coordinates.
            await using var file = new FileStream(Path.Combine(Path.GetTempPath(), $"plant-upload-{Guid.NewGuid():N}.bin"), FileMode.CreateNew,
                FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
            await context.Request.Body.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
            file.Position = 0;
            var info = await uploader.UploadAsync(name, version, file, activate, cancellationToken).ConfigureAwait(false);
            return Results.Created($"/api/models/{Uri.EscapeDataString(name)}/versions", info);
        }
        catch (PlantRequestException ex)
        {
            return ApiResults.From(ex);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return ApiResults.Error(StatusCodes.Status413PayloadTooLarge, $"the model file is larger than {MaxModelBytes / (1024 * 1024)} MB");
        }
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
