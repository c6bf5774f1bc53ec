using System.Text.Json;
using PlantFunctions.Pipeline.Requests;

namespace PlantFunctions.Host.Api;

/// <summary>Reading request bodies with refusals that say what is wrong.</summary>
internal static class RequestBodies
{
    /// <summary>Reads a JSON body; a missing, empty or malformed one is a <see cref="PlantRequestException"/> (400) with the parser's reason.</summary>
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
