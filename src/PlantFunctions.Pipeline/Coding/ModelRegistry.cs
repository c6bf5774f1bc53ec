using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs.Models;
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
    private const string JobMetadata = "plantjob";
    private const string RunMetadata = "plantrun";

    /// <summary>
    /// Registers a model file as version <paramref name="version"/> for training job <paramref name="trainingJobId"/>
    /// (when given), once: the file is uploaded If-None-Match, so a retried registration of the same job finds its own
    /// version and returns it; a version that another job or an upload registered is a conflict. Activates it when asked
    /// or when the name has no active version. (For jobs whose runs have ids, see <see cref="RegisterTrainedAsync"/>.)
    /// </summary>
    public Task<ModelVersionInfo> RegisterAsync(string name, string version, BinaryData modelFile, IReadOnlyDictionary<string, double> metrics,
        string? trainingJobId = null, bool activate = false, CancellationToken cancellationToken = default) =>
        RegisterTrainedAsync(name, version, modelFile, metrics, trainingJobId, null, activate, cancellationToken);

    /// <summary>
    /// Registers the model a run of a training job produced as version <paramref name="version"/>, once and resumably:
    /// the file is uploaded If-None-Match with the job and run ids in its metadata, so a retried registration of the
    /// same run finds its own file (and writes the row if an earlier attempt stopped before it); a version whose file
    /// another run, job or upload wrote is a conflict: a purged job id used again never takes over the version of its
    /// earlier run. Without a run id (jobs started before runs had ids) the file counts as the job's own unless the
    /// version's row names another job.
    /// </summary>
    /// <exception cref="PlantRequestException">Invalid names (400) or a version that is not this run's (409).</exception>
    public async Task<ModelVersionInfo> RegisterTrainedAsync(string name, string version, BinaryData modelFile, IReadOnlyDictionary<string, double> metrics,
        string? trainingJobId, string? trainingRunId, bool activate, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(modelFile);
        CheckNames(name, version);
        var blob = hub.ModelFiles.GetBlobClient($"{name}/{version}/model.bin");
        var metadata = new Dictionary<string, string>();
        if (trainingJobId is not null)
        {
            metadata[JobMetadata] = trainingJobId;
        }

        if (trainingRunId is not null)
        {
            metadata[RunMetadata] = trainingRunId;
        }

        try
        {
            var options = new BlobUploadOptions
            {
                Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
                HttpHeaders = new BlobHttpHeaders { ContentType = "application/octet-stream" },
                Metadata = metadata,
            };
            await blob.UploadAsync(modelFile, options, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            var existing = await GetVersionAsync(name, version, cancellationToken).ConfigureAwait(false);
            bool own;
            if (trainingRunId is null)
            {
                own = existing is null || string.Equals(existing.TrainingJobId, trainingJobId, StringComparison.Ordinal);
            }
            else
            {
                var stored = (await blob.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value.Metadata;
                own = stored.TryGetValue(RunMetadata, out string? run) && run == trainingRunId
                      && stored.TryGetValue(JobMetadata, out string? job) && job == trainingJobId;
            }

            if (!own)
            {
                string owner = existing is null ? "another run or an upload" : existing.TrainingJobId is null ? "an upload" : $"training job '{existing.TrainingJobId}'";
                throw new PlantRequestException(PlantRequestError.Conflict, $"model '{name}' already has a version '{version}' from {owner}");
            }
        }

        return await RecordAsync(name, version, modelFile.ToMemory().Length, metrics, trainingJobId, trainingRunId, activate, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Whether version <paramref name="version"/> of <paramref name="name"/> is registered or has a model file.</summary>
    public async Task<bool> IsTakenAsync(string name, string version, CancellationToken cancellationToken = default)
    {
        CheckNames(name, version);
        return await GetVersionAsync(name, version, cancellationToken).ConfigureAwait(false) is not null
               || await hub.ModelFiles.GetBlobClient($"{name}/{version}/model.bin").ExistsAsync(cancellationToken).ConfigureAwait(false);
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
            var conditions = new BlobRequestConditions { IfNoneMatch = ETag.All };
            await hub.ModelFiles.GetBlobClient($"{name}/{version}/model.bin")
                .UploadAsync(modelFile, new BlobUploadOptions { Conditions = conditions }, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            throw VersionExists(name, version);
        }

        return await RecordAsync(name, version, size, metrics, null, null, activate, cancellationToken).ConfigureAwait(false);
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
        string? trainingJobId, string? trainingRunId, bool activate, CancellationToken cancellationToken)
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
            TrainingRunId = trainingRunId,
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
