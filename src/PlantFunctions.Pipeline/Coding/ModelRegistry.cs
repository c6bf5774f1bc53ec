using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using PlantFunctions.Pipeline.Configuration;
using PlantFunctions.Pipeline.Requests;
using PlantFunctions.Contracts;
using PlantFunctions.Contracts.Models;
using PlantFunctions.Pipeline.Storage;

namespace PlantFunctions.Pipeline.Coding;

/// <summary>
/// Model versions: files under <c>models/{name}/{version}/</c> (<c>model.bin</c> and <c>metrics.json</c>) and rows in
/// <c>{Hub}Models</c>, with one active version per name. The first version registered under a name becomes active.
/// </summary>
public sealed class ModelRegistry(PlantStorage hub, TimeProvider time)
{
    private const string ActiveRowKey = "active";

    /// <summary>
    /// Registers the model a training job produced as version <paramref name="version"/>, once: the file is uploaded
    /// If-None-Match, so a retried registration of the same job finds its own version and returns it; a version that
    /// another job or an upload registered is a conflict. Activates it when asked or when the name has no active version.
    /// </summary>
    public async Task<ModelVersionInfo> RegisterAsync(string name, string version, BinaryData modelFile, IReadOnlyDictionary<string, double> metrics,
        string? trainingJobId = null, bool activate = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(modelFile);
        CheckNames(name, version);
        var blob = hub.ModelFiles.GetBlobClient($"{name}/{version}/model.bin");
        if (!await blob.UploadIfAbsentAsync(modelFile, "application/octet-stream", cancellationToken).ConfigureAwait(false))
        {
            var existing = await GetVersionAsync(name, version, cancellationToken).ConfigureAwait(false);
            if (existing is not null && !string.Equals(existing.TrainingJobId, trainingJobId, StringComparison.Ordinal))
            {
                throw new PlantRequestException(PlantRequestError.Conflict,
                    $"model '{name}' already has a version '{version}' from {(existing.TrainingJobId is null ? "an upload" : $"training job '{existing.TrainingJobId}'")}");
            }
        }

        return await RecordAsync(name, version, modelFile.ToMemory().Length, metrics, trainingJobId, activate, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Registers a version that must not exist yet: the model file is uploaded If-None-Match, so of two registrations of
    /// the same version exactly one succeeds; the other gets <see cref="PlantRequestError.Conflict"/>.
    /// </summary>
    public async Task<ModelVersionInfo> RegisterNewAsync(string name, string version, Stream modelFile, IReadOnlyDictionary<string, double> metrics,
        bool activate = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(modelFile);
        CheckNames(name, version);
        long size = modelFile.Length - modelFile.Position;
        try
        {
            var conditions = new Azure.Storage.Blobs.Models.BlobRequestConditions { IfNoneMatch = ETag.All };
            await hub.ModelFiles.GetBlobClient($"{name}/{version}/model.bin")
                .UploadAsync(modelFile, new Azure.Storage.Blobs.Models.BlobUploadOptions { Conditions = conditions }, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            throw VersionExists(name, version);
        }

        return await RecordAsync(name, version, size, metrics, null, activate, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Refuses bad names and versions that exist, before anything is uploaded.</summary>
    /// <exception cref="PlantRequestException">Invalid name or version (400), or an existing version (409).</exception>
    public async Task CheckNewVersionAsync(string name, string version, CancellationToken cancellationToken = default)
    {
        CheckNames(name, version);
        if (await GetVersionAsync(name, version, cancellationToken).ConfigureAwait(false) is not null
            || await hub.ModelFiles.GetBlobClient($"{name}/{version}/model.bin").ExistsAsync(cancellationToken).ConfigureAwait(false))
        {
            throw VersionExists(name, version);
        }
    }

    private static void CheckNames(string name, string version)
    {
        if (!NameRules.IsValidModelName(name, out string? reason) || !NameRules.IsValidId(version, "model version", out reason))
        {
            throw new PlantRequestException(PlantRequestError.Invalid, reason!);
        }
    }

    private static PlantRequestException VersionExists(string name, string version) => new(PlantRequestError.Conflict,
        $"model '{name}' already has a version '{version}'; versions cannot be replaced, upload the file under a new version");

    private async Task<ModelVersionInfo> RecordAsync(string name, string version, long size, IReadOnlyDictionary<string, double> metrics,
        string? trainingJobId, bool activate, CancellationToken cancellationToken)
    {
        string folder = $"{name}/{version}/";
        var now = time.GetUtcNow();
        var document = new { name, version, trainingJobId, createdTime = now, sizeBytes = size, metrics };
        await hub.ModelFiles.GetBlobClient(folder + "metrics.json").UploadAsync(new BinaryData(PlantJson.ToUtf8Bytes(document, indented: true)), overwrite: true, cancellationToken).ConfigureAwait(false);
        var row = new ModelVersionEntity
        {
            PartitionKey = name,
            RowKey = VersionKey(version),
            Version = version,
            Blob = folder + "model.bin",
            SizeBytes = size,
            MetricsJson = JsonSerializer.Serialize(metrics, PlantJson.Options),
            TrainingJobId = trainingJobId,
            CreatedTime = now,
        };
        await hub.Models.UpsertEntityAsync(row, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
        bool active = activate
            ? await SetActiveAsync(name, version, cancellationToken).ConfigureAwait(false)
            : await ActivateIfNoneAsync(name, version, cancellationToken).ConfigureAwait(false);
        return ToInfo(row, active);
    }

    /// <summary>Every version of a model, newest first, with the active one marked.</summary>
    public async Task<IReadOnlyList<ModelVersionInfo>> ListAsync(string name, CancellationToken cancellationToken = default)
    {
        string? active = await ActiveVersionAsync(name, cancellationToken).ConfigureAwait(false);
        var versions = new List<ModelVersionInfo>();
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {name} and RowKey ge {"v:"} and RowKey lt {"v;"}");
        await foreach (var row in hub.Models.QueryAsync<ModelVersionEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            versions.Add(ToInfo(row, row.Version == active));
        }

        return [.. versions.OrderByDescending(v => v.CreatedTime).ThenByDescending(v => v.Version, StringComparer.Ordinal)];
    }

    /// <summary>Makes a registered version the active one; <see cref="PlantRequestError.NotFound"/> when it is not registered.</summary>
    public async Task<ModelVersionInfo> ActivateAsync(string name, string version, CancellationToken cancellationToken = default)
    {
        var row = await GetVersionAsync(name, version, cancellationToken).ConfigureAwait(false)
                  ?? throw new PlantRequestException(PlantRequestError.NotFound, $"model '{name}' has no version '{version}'");
        await SetActiveAsync(name, version, cancellationToken).ConfigureAwait(false);
        return ToInfo(row, true);
    }

    /// <summary>
    /// The version a batch is coded with: the named one (which must be registered) or the active one (which must exist).
    /// </summary>
    public async Task<ModelVersionInfo> ResolveAsync(string name, string? version, CancellationToken cancellationToken = default)
    {
        string? active = await ActiveVersionAsync(name, cancellationToken).ConfigureAwait(false);
        if (version is not null)
        {
            if (!NameRules.IsValidId(version, "model version", out string? reason))
            {
                throw new PlantRequestException(PlantRequestError.Invalid, reason!);
            }

            var named = await GetVersionAsync(name, version, cancellationToken).ConfigureAwait(false)
                        ?? throw new PlantRequestException(PlantRequestError.Invalid, $"model '{name}' has no version '{version}'");
            return ToInfo(named, version == active);
        }

        if (active is null)
        {
            throw new PlantRequestException(PlantRequestError.Conflict,
                $"model '{name}' has no active version: train one (POST /api/training-jobs) or register and activate one");
        }

        var row = await GetVersionAsync(name, active, cancellationToken).ConfigureAwait(false)
                  ?? throw new PlantRequestException(PlantRequestError.Conflict, $"the active version '{active}' of model '{name}' is not registered");
        return ToInfo(row, true);
    }

    /// <summary>Downloads a model file.</summary>
    public async Task<BinaryData> DownloadAsync(string blob, CancellationToken cancellationToken = default) =>
        (await hub.ModelFiles.GetBlobClient(blob).DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value.Content;

    private static string VersionKey(string version) => "v:" + version;

    private async Task<ModelVersionEntity?> GetVersionAsync(string name, string version, CancellationToken cancellationToken)
    {
        var response = await hub.Models.GetEntityIfExistsAsync<ModelVersionEntity>(name, VersionKey(version), cancellationToken: cancellationToken).ConfigureAwait(false);
        return response.HasValue ? response.Value : null;
    }

    private async Task<string?> ActiveVersionAsync(string name, CancellationToken cancellationToken)
    {
        var response = await hub.Models.GetEntityIfExistsAsync<ModelVersionEntity>(name, ActiveRowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        return response.HasValue ? response.Value!.Version : null;
    }

    private async Task<bool> SetActiveAsync(string name, string version, CancellationToken cancellationToken)
    {
        await hub.Models.UpsertEntityAsync(new ModelVersionEntity { PartitionKey = name, RowKey = ActiveRowKey, Version = version, CreatedTime = time.GetUtcNow() },
            TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
        return true;
    }

    private async Task<bool> ActivateIfNoneAsync(string name, string version, CancellationToken cancellationToken)
    {
        try
        {
            await hub.Models.AddEntityAsync(new ModelVersionEntity { PartitionKey = name, RowKey = ActiveRowKey, Version = version, CreatedTime = time.GetUtcNow() },
                cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return await ActiveVersionAsync(name, cancellationToken).ConfigureAwait(false) == version;
        }
    }

    private static ModelVersionInfo ToInfo(ModelVersionEntity row, bool active) => new(
        row.PartitionKey,
        row.Version,
        row.Blob,
        row.SizeBytes,
        row.MetricsJson is null ? new Dictionary<string, double>() : JsonSerializer.Deserialize<Dictionary<string, double>>(row.MetricsJson, PlantJson.Options) ?? [],
        row.TrainingJobId,
        row.CreatedTime,
        active);
}
