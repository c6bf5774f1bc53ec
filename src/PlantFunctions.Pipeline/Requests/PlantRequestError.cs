namespace PlantFunctions.Pipeline.Requests;

/// <summary>
/// Why a request to the service was refused. The values are the HTTP statuses both hosts answer with, so the mapping
/// lives here once.
/// </summary>
public enum PlantRequestError
{
    /// <summary>The request itself is wrong (400).</summary>
    Invalid = 400,

    /// <summary>The named thing does not exist (404).</summary>
    NotFound = 404,

    /// <summary>The request clashes with the current state (409).</summary>
    Conflict = 409,

    /// <summary>The instance already finished (410).</summary>
    Gone = 410,

    /// <summary>The body is larger than allowed (413).</summary>
    TooLarge = 413,
}
