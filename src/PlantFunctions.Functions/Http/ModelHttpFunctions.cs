using System.Net;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.Extensions.Options;
using PlantFunctions.Contracts.Models;
using PlantFunctions.Pipeline.Coding;
using PlantFunctions.Pipeline.Configuration;
using PlantFunctions.Pipeline.Requests;

namespace PlantFunctions.Functions.Http;

/// <summary><c>/api/models</c>: versions of a model, upload a model file as a new version, activate a version.</summary>
public sealed class ModelHttpFunctions(ModelRegistry registry, ModelUploader uploader, IOptions<PlantOptions> plant)
{
    /// <summary>GET /api/models: the versions of the configured model.</summary>
    [Function("ListModels")]
    public Task<HttpResponseData> ListAsync([HttpTrigger(AuthorizationLevel.Function, "get", Route = "models")] HttpRequestData request,
        CancellationToken cancellationToken) => ListAsync(request, plant.Value.ModelName, cancellationToken);

    /// <summary>GET /api/models/{name}/versions.</summary>
    [Function("ListModelVersions")]
    public Task<HttpResponseData> ListVersionsAsync([HttpTrigger(AuthorizationLevel.Function, "get", Route = "models/{name}/versions")] HttpRequestData request,
        string name, CancellationToken cancellationToken) => ListAsync(request, name, cancellationToken);

    /// <summary>PUT /api/models/{name}/versions/{version}[?activate=true]: names, the version's absence and the size are checked before the body is read.</summary>
    [Function("UploadModel")]
    public Task<HttpResponseData> UploadAsync([HttpTrigger(AuthorizationLevel.Function, "put", Route = "models/{name}/versions/{version}")] HttpRequestData request,
        string name, string version, CancellationToken cancellationToken) =>
        HttpAnswers.GuardAsync(request, async () =>
        {
            long? length = request.Headers.TryGetValues("Content-Length", out var lengths) && long.TryParse(lengths.FirstOrDefault(), out long declared) ? declared : null;
            bool activate = bool.TryParse(request.Query["activate"], out bool on) && on;
            var info = await uploader.UploadRequestAsync(name, version, request.Body, length, activate, cancellationToken).ConfigureAwait(false);
            return await HttpAnswers.JsonAsync(request, info, HttpStatusCode.Created).ConfigureAwait(false);
        });

    /// <summary>POST /api/models/{name}/versions/{version}/activate.</summary>
    [Function("ActivateModel")]
    public Task<HttpResponseData> ActivateAsync([HttpTrigger(AuthorizationLevel.Function, "post", Route = "models/{name}/versions/{version}/activate")] HttpRequestData request,
        string name, string version, CancellationToken cancellationToken) =>
        HttpAnswers.GuardAsync(request, async () =>
        {
            if (!NameRules.IsValidModelName(name, out string? reason) || !NameRules.IsValidId(version, "model version", out reason))
            {
                throw new PlantRequestException(PlantRequestError.Invalid, reason!);
            }

            return await HttpAnswers.JsonAsync(request, await registry.ActivateAsync(name, version, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
        });

    private Task<HttpResponseData> ListAsync(HttpRequestData request, string name, CancellationToken cancellationToken) =>
        HttpAnswers.GuardAsync(request, async () =>
        {
            if (!NameRules.IsValidModelName(name, out string? reason))
            {
                throw new PlantRequestException(PlantRequestError.Invalid, reason!);
            }

            var versions = await registry.ListAsync(name, cancellationToken).ConfigureAwait(false);
            return await HttpAnswers.JsonAsync(request, new ModelVersionList(name, versions.FirstOrDefault(v => v.IsActive)?.Version, versions)).ConfigureAwait(false);
        });
}
