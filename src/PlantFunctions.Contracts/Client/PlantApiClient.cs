using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using PlantFunctions.Contracts.Batches;
using PlantFunctions.Contracts.Instances;
using PlantFunctions.Contracts.Models;
using PlantFunctions.Contracts.Training;

namespace PlantFunctions.Contracts.Client;

/// <summary>
/// A typed client of the HTTP API, the same against the Azure Functions app and the local host: starts batches and
/// training jobs (202 + <see cref="CheckStatusPayload"/>), follows status URLs, terminates, purges, manages models.
/// The function key goes in the <c>x-functions-key</c> header, except on URLs that carry their own <c>code=</c>.
/// </summary>
public sealed class PlantApiClient(HttpClient http, string? functionKey)
{
    /// <summary>Starts a batch: <c>POST /api/batches</c>.</summary>
    public Task<CheckStatusPayload> StartBatchAsync(BatchStartRequest request, CancellationToken cancellationToken = default) =>
        StartAsync("api/batches", request, cancellationToken);

    /// <summary>Starts a training job: <c>POST /api/training-jobs</c>.</summary>
    public Task<CheckStatusPayload> StartTrainingAsync(TrainingJobRequest request, CancellationToken cancellationToken = default) =>
        StartAsync("api/training-jobs", request, cancellationToken);

    /// <summary>A batch's status (<c>GET /api/batches/{id}</c>); <c>null</c> for an unknown id.</summary>
    public Task<InstanceStatus?> GetBatchAsync(string batchId, CancellationToken cancellationToken = default) =>
        GetStatusAsync(new Uri($"api/batches/{Uri.EscapeDataString(batchId)}", UriKind.Relative), cancellationToken);

    /// <summary>A training job's status; <c>null</c> for an unknown id.</summary>
    public Task<InstanceStatus?> GetTrainingJobAsync(string jobId, CancellationToken cancellationToken = default) =>
        GetStatusAsync(new Uri($"api/training-jobs/{Uri.EscapeDataString(jobId)}", UriKind.Relative), cancellationToken);

    /// <summary>Any status URL (a <see cref="CheckStatusPayload.StatusQueryGetUri"/> or an API route); <c>null</c> on 404.</summary>
    public async Task<InstanceStatus?> GetStatusAsync(Uri statusUri, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Get, statusUri, null, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        await EnsureAsync(response, cancellationToken).ConfigureAwait(false);
        return await response.Content.ReadFromJsonAsync<InstanceStatus>(PlantJson.Options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Polls <paramref name="statusUri"/> until the instance is Completed, Failed or Terminated, calling
    /// <paramref name="progress"/> with each status read. A 404 right after a start (not visible yet) is waited out.
    /// </summary>
    public async Task<InstanceStatus> WaitForEndAsync(Uri statusUri, Action<InstanceStatus>? progress = null, TimeSpan? pollInterval = null,
        CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var status = await GetStatusAsync(statusUri, cancellationToken).ConfigureAwait(false);
            if (status is not null)
            {
                progress?.Invoke(status);
                if (status.RuntimeStatus.IsTerminal())
                {
                    return status;
                }
            }

            await Task.Delay(pollInterval ?? TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Terminates a batch (<c>POST /api/batches/{id}/terminate</c>); its uncoded notes get error records and it gets a summary.</summary>
    public Task TerminateBatchAsync(string batchId, string? reason = null, CancellationToken cancellationToken = default) =>
        PostAsync($"api/batches/{Uri.EscapeDataString(batchId)}/terminate{Reason(reason)}", cancellationToken);

    /// <summary>Terminates a training job.</summary>
    public Task TerminateTrainingJobAsync(string jobId, string? reason = null, CancellationToken cancellationToken = default) =>
        PostAsync($"api/training-jobs/{Uri.EscapeDataString(jobId)}/terminate{Reason(reason)}", cancellationToken);

    /// <summary>Purges a finished batch (<c>DELETE /api/batches/{id}</c>).</summary>
    public Task<PurgeResponse> PurgeBatchAsync(string batchId, CancellationToken cancellationToken = default) =>
        DeleteAsync($"api/batches/{Uri.EscapeDataString(batchId)}", cancellationToken);

    /// <summary>Purges a finished training job.</summary>
    public Task<PurgeResponse> PurgeTrainingJobAsync(string jobId, CancellationToken cancellationToken = default) =>
        DeleteAsync($"api/training-jobs/{Uri.EscapeDataString(jobId)}", cancellationToken);

    /// <summary>The versions of a model (the configured one when <paramref name="name"/> is null).</summary>
    public async Task<ModelVersionList> ListModelsAsync(string? name = null, CancellationToken cancellationToken = default)
    {
        string route = name is null ? "api/models" : $"api/models/{Uri.EscapeDataString(name)}/versions";
        using var response = await SendAsync(HttpMethod.Get, new Uri(route, UriKind.Relative), null, cancellationToken).ConfigureAwait(false);
        await EnsureAsync(response, cancellationToken).ConfigureAwait(false);
        return (await response.Content.ReadFromJsonAsync<ModelVersionList>(PlantJson.Options, cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>Uploads a model file as a new version (<c>PUT /api/models/{name}/versions/{version}</c>).</summary>
    public async Task<ModelVersionInfo> UploadModelAsync(string name, string version, Stream modelFile, bool activate, CancellationToken cancellationToken = default)
    {
        using var content = new StreamContent(modelFile);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        if (modelFile.CanSeek)
        {
            content.Headers.ContentLength = modelFile.Length - modelFile.Position;
        }

        string route = $"api/models/{Uri.EscapeDataString(name)}/versions/{Uri.EscapeDataString(version)}{(activate ? "?activate=true" : "")}";
        using var response = await SendAsync(HttpMethod.Put, new Uri(route, UriKind.Relative), content, cancellationToken).ConfigureAwait(false);
        await EnsureAsync(response, cancellationToken).ConfigureAwait(false);
        return (await response.Content.ReadFromJsonAsync<ModelVersionInfo>(PlantJson.Options, cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>Makes a version the active one.</summary>
    public async Task<ModelVersionInfo> ActivateModelAsync(string name, string version, CancellationToken cancellationToken = default)
    {
        string route = $"api/models/{Uri.EscapeDataString(name)}/versions/{Uri.EscapeDataString(version)}/activate";
        using var response = await SendAsync(HttpMethod.Post, new Uri(route, UriKind.Relative), null, cancellationToken).ConfigureAwait(false);
        await EnsureAsync(response, cancellationToken).ConfigureAwait(false);
        return (await response.Content.ReadFromJsonAsync<ModelVersionInfo>(PlantJson.Options, cancellationToken).ConfigureAwait(false))!;
    }

    private async Task<CheckStatusPayload> StartAsync<T>(string route, T request, CancellationToken cancellationToken)
    {
        using var content = JsonContent.Create(request, options: PlantJson.Options);
        using var response = await SendAsync(HttpMethod.Post, new Uri(route, UriKind.Relative), content, cancellationToken).ConfigureAwait(false);
        await EnsureAsync(response, cancellationToken).ConfigureAwait(false);
        return (await response.Content.ReadFromJsonAsync<CheckStatusPayload>(PlantJson.Options, cancellationToken).ConfigureAwait(false))!;
    }

    private async Task PostAsync(string route, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Post, new Uri(route, UriKind.Relative), null, cancellationToken).ConfigureAwait(false);
        await EnsureAsync(response, cancellationToken).ConfigureAwait(false);
    }

    private async Task<PurgeResponse> DeleteAsync(string route, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Delete, new Uri(route, UriKind.Relative), null, cancellationToken).ConfigureAwait(false);
        await EnsureAsync(response, cancellationToken).ConfigureAwait(false);
        return (await response.Content.ReadFromJsonAsync<PurgeResponse>(PlantJson.Options, cancellationToken).ConfigureAwait(false))!;
    }

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, Uri uri, HttpContent? content, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(method, uri) { Content = content };
        bool carriesKey = uri.IsAbsoluteUri && uri.Query.Contains("code=", StringComparison.OrdinalIgnoreCase);
        if (functionKey is not null && !carriesKey)
        {
            request.Headers.Add("x-functions-key", functionKey);
        }

        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return http.SendAsync(request, cancellationToken);
    }

    private static async Task EnsureAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        string body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        string reason = body;
        try
        {
            if (body.Length > 0 && JsonSerializer.Deserialize<ErrorResponse>(body, PlantJson.Options) is { Error: { } error })
            {
                reason = error;
            }
        }
        catch (JsonException)
        {
            // Not our error shape (a proxy's page, say): keep the raw body.
        }

        throw new PlantApiException(response.StatusCode, reason.Length == 0 ? response.ReasonPhrase ?? "" : reason);
    }

    private static string Reason(string? reason) => string.IsNullOrWhiteSpace(reason) ? "" : "?reason=" + Uri.EscapeDataString(reason);
}
