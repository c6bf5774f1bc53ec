using System.Net;

namespace PlantFunctions.Contracts.Client;

/// <summary>The API refused a request: its status code and the reason it gave.</summary>
public sealed class PlantApiException(HttpStatusCode status, string reason)
    : Exception($"the API answered {(int)status} ({status}): {reason}")
{
    /// <summary>The HTTP status.</summary>
    public HttpStatusCode Status { get; } = status;

    /// <summary>The reason from the body (<c>{"error": ...}</c>), or the raw body.</summary>
    public string Reason { get; } = reason;
}
