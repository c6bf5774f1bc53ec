namespace PlantFunctions.Host;

/// <summary>How <see cref="PlantHost.Build"/> finds its configuration.</summary>
public sealed record PlantHostOptions
{
    /// <summary>Read local.settings.json from the working directory or a parent (environment variables override it). Default true.</summary>
    public bool ReadLocalSettings { get; init; } = true;

    /// <summary>Where to start looking for local.settings.json; the working directory when <c>null</c>.</summary>
    public string? LocalSettingsSearchFrom { get; init; }

    /// <summary>Settings applied last (tests, and command-line switches of <c>plant serve</c>).</summary>
    public IReadOnlyDictionary<string, string?>? Overrides { get; init; }
}
