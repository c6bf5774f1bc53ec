namespace PlantFunctions.Contracts.Instances;

/// <summary>
/// What a starter answers with its 202: Durable Functions' <c>HttpManagementPayload</c> (what
/// <c>CreateCheckStatusResponse</c> writes), with the management URLs of the new instance. The URLs carry the key
/// (<c>code=</c>): never print or log them without <see cref="Secrets.Redact"/>.
/// </summary>
public sealed record CheckStatusPayload
{
    /// <summary>Instance (batch or training-job) id.</summary>
    public required string Id { get; init; }

    /// <summary>GET: the instance status (202 while running, 200 when finished, 404 unknown).</summary>
    public required string StatusQueryGetUri { get; init; }

    /// <summary>POST: raise an event (replace <c>{eventName}</c>).</summary>
    public string? SendEventPostUri { get; init; }

    /// <summary>POST: terminate (replace <c>{text}</c> with a reason).</summary>
    public string? TerminatePostUri { get; init; }

    /// <summary>DELETE: purge a finished instance's history.</summary>
    public string? PurgeHistoryDeleteUri { get; init; }

    /// <summary>POST: restart.</summary>
    public string? RestartPostUri { get; init; }

    /// <summary>POST: rewind a failed instance.</summary>
    public string? RewindPostUri { get; init; }

    /// <summary>POST: suspend.</summary>
    public string? SuspendPostUri { get; init; }

    /// <summary>POST: resume.</summary>
    public string? ResumePostUri { get; init; }
}
