using System.Text.Json;
using PlantFunctions.Pipeline.Configuration;
using PlantFunctions.Pipeline.Orchestration;

namespace PlantFunctions.Host.Api;

/// <summary>Shared request reading and error answers: refusals carry <c>{"error": reason}</c>.</summary>
internal static class ApiResults
{
    public static IResult Error(int status, string reason) => Results.Json(new { error = reason }, statusCode: status);

    public static IResult From(PlantRequestException exception) => Error(exception.Error switch
    {
        PlantRequestError.NotFound => StatusCodes.Status404NotFound,
        PlantRequestError.Conflict => StatusCodes.Status409Conflict,
        PlantRequestError.Gone => StatusCodes.Status410Gone,
        _ => StatusCodes.Status400BadRequest,
    }, exception.Message);

    /// <summary>Checks a route id; the reason when it is not valid.</summary>
    public static IResult? InvalidId(string id, string what) =>
        NameRules.IsValidId(id, what, out string? reason) ? null : Error(StatusCodes.Status400BadRequest, reason!);

    /// <summary>Reads a JSON body; throws <see cref="PlantRequestException"/> with the parser's reason when it is not valid JSON.</summary>
    public static async Task<T> ReadJsonAsync<T>(HttpRequest request, JsonSerializerOptions options, CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            return await request.ReadFromJsonAsync<T>(options, cancellationToken).ConfigureAwait(false)
                   ?? throw new PlantRequestException(PlantRequestError.Invalid, "the request body is empty; expected a JSON object");
        }
        catch (JsonException ex)
        {
            throw new PlantRequestException(PlantRequestError.Invalid, $"the request body is not valid JSON: {ex.Message}");
        }
        catch (InvalidOperationException ex) when (!request.HasJsonContentType())
        {
            throw new PlantRequestException(PlantRequestError.Invalid, $"expected Content-Type application/json: {ex.Message}");
        }
    }
}
