namespace PlantFunctions.Pipeline.Requests;

/// <summary>Why a request to the service was refused (the host maps it to an HTTP status).</summary>
public enum PlantRequestError
{
    /// <summary>The request itself is wrong (400).</summary>
    Invalid,

    /// <summary>The named thing does not exist (404).</summary>
    NotFound,

    /// <summary>The request clashes with the current state (409).</summary>
    Conflict,

    /// <summary>The instance already finished (410).</summary>
    Gone,
}
