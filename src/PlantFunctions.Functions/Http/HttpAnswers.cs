using System.Net;
using System.Text.Json;
using Microsoft.Azure.Functions.Worker.Http;
using PlantFunctions.Contracts;
using PlantFunctions.Contracts.Instances;
using PlantFunctions.Pipeline.Requests;

namespace PlantFunctions.Functions.Http;

/// <summary>JSON answers, and the one mapping of refusals to HTTP statuses (the local host's is the same).</summary>
internal static class HttpAnswers
{
    /// <summary>A JSON answer in the service's JSON shape.</summary>
    public static async Task<HttpResponseData> JsonAsync<T>(HttpRequestData request, T body, HttpStatusCode status = HttpStatusCode.OK)
    {
        var response = request.CreateResponse(status);
        response.Headers.Add("Content-Type", "application/json; charset=utf-8");
        await response.Body.WriteAsync(PlantJson.ToUtf8Bytes(body)).ConfigureAwait(false);
        return response;
    }

    /// <summary>The status of an instance: 202 while it runs, 200 once it finished, 404 unknown.</summary>
    public static Task<HttpResponseData> StatusAsync(HttpRequestData request, InstanceStatus? status, string notFound) => status is null
        ? ErrorAsync(request, HttpStatusCode.NotFound, notFound)
        : JsonAsync(request, status, status.RuntimeStatus.IsTerminal() ? HttpStatusCode.OK : HttpStatusCode.Accepted);

    /// <summary>A refusal with <see cref="ErrorResponse"/>.</summary>
    public static Task<HttpResponseData> ErrorAsync(HttpRequestData request, HttpStatusCode status, string reason) =>
        JsonAsync(request, new ErrorResponse(reason), status);

    /// <summary>Runs a handler; a <see cref="PlantRequestException"/> becomes its status (400, 404, 409, 410, 413) with its reason.</summary>
    public static async Task<HttpResponseData> GuardAsync(HttpRequestData request, Func<Task<HttpResponseData>> handler)
    {
        try
        {
            return await handler().ConfigureAwait(false);
        }
        catch (PlantRequestException ex)
        {
            return await ErrorAsync(request, (HttpStatusCode)(int)ex.Error, ex.Message).ConfigureAwait(false);
        }
    }

    /// <summary>Reads a JSON body; refuses an empty or malformed one with the parser's reason.</summary>
    public static async Task<T> ReadJsonAsync<T>(HttpRequestData request)
        where T : class
    {
        try
        {
            return await JsonSerializer.DeserializeAsync<T>(request.Body, PlantJson.Options).ConfigureAwait(false)
                   ?? throw new PlantRequestException(PlantRequestError.Invalid, "the request body is empty; expected a JSON object");
        }
        catch (JsonException ex)
        {
            throw new PlantRequestException(PlantRequestError.Invalid, $"the request body is not valid JSON: {ex.Message}");
        }
    }
}
