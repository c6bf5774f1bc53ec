using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using PlantFunctions.Pipeline.Configuration;
using PlantFunctions.Pipeline.Requests;
using PlantFunctions.Contracts;
using PlantFunctions.Contracts.Models;
using PlantFunctions.Pipeline.Storage;

namespace PlantFunctions.Pipeline.Coding;

/// <summary>A model file an upload stored (not yet registered).</summary>
/// <param name="Name">Model name.</param>
/// <param name="Version">Version.</param>
/// <param name="Size">Bytes.</param>
/// <param name="Sha256">Its SHA-256, hex.</param>
/// <param name="ETag">The stored blob's ETag.</param>
/// <param name="Resumed">Whether an earlier upload of the same content had stored it (its registration is resumed).</param>
public sealed record StoredModelFile(string Name, string Version, long Size, string Sha256, ETag ETag, bool Resumed);

/// <summary>
/// Model versions: files under <c>models/{name}/{version}/</c> (<c>model.bin</c> and <c>metrics.json</c>) and rows in
/// <c>{Hub}Models</c>, with one active version per name. The first version registered under a name becomes active.
/// </summary>
public sealed class ModelRegistry(PlantStorage hub, TimeProvider time)
{
    private const string ActiveRowKey = "active";
    private const string JobMetadata = "plantjob";
    private const string RunMetadata = "plantrun";
    private const string HashMetadata = "plantsha256";

    /// <summary>Bytes of an uploaded model file held in memory at a time (one block).</summary>
    public const int BlockSize = 4 * 1024 * 1024;

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
    /// Streams a model file for version <paramref name="version"/> into <c>models/{name}/{version}/model.bin</c> without
    /// holding it anywhere else: the body is read in blocks of <see cref="BlockSize"/> (one in memory at a time), each
    /// staged to the blob as it comes, counted against <paramref name="maxBytes"/> (a body without a declared length is
    /// refused as soon as it passes the limit) and hashed; the blob appears only when the block list is committed,
    /// If-None-Match, with the hash in its metadata, so of two uploads of a version exactly one commits. When the file
    /// exists but the version has no row (an earlier upload of it stopped before registering), the same content resumes
    /// that registration; other content is a conflict.
    /// </summary>
    /// <exception cref="PlantRequestException">An empty body (400), too large (413), or a version whose file has other content (409).</exception>
    public async Task<StoredModelFile> StoreModelFileAsync(string name, string version, Stream body, long maxBytes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        CheckNames(name, version);
        var blob = hub.ModelFiles.GetBlockBlobClient($"{name}/{version}/model.bin");
        string upload = Guid.NewGuid().ToString("N");
        var blocks = new List<string>();
        long size = 0;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(BlockSize);
        try
        {
            while (true)
            {
                int filled = 0, read;
                while (filled < BlockSize && (read = await body.ReadAsync(buffer.AsMemory(filled, BlockSize - filled), cancellationToken).ConfigureAwait(false)) > 0)
                {
                    filled += read;
                }

                if (filled == 0)
                {
                    break;
                }

                size += filled;
                if (size > maxBytes)
                {
                    throw new PlantRequestException(PlantRequestError.TooLarge,
                        $"the model file is larger than the limit of {maxBytes / (1024 * 1024):N0} MB");
                }

                hash.AppendData(buffer, 0, filled);
                string id = Convert.ToBase64String(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{upload}{blocks.Count:D6}")));
                using var block = new MemoryStream(buffer, 0, filled, writable: false);
                await blob.StageBlockAsync(id, block, cancellationToken: cancellationToken).ConfigureAwait(false);
                blocks.Add(id);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        if (size == 0)
        {
            throw new PlantRequestException(PlantRequestError.Invalid, "the model file is empty: send the file that plant train wrote as the request body");
        }

        string sha256 = Convert.ToHexString(hash.GetHashAndReset());
        try
        {
            var committed = await blob.CommitBlockListAsync(blocks, new CommitBlockListOptions
            {
                HttpHeaders = new BlobHttpHeaders { ContentType = "application/octet-stream" },
                Metadata = new Dictionary<string, string> { [HashMetadata] = sha256 },
                Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
            }, cancellationToken).ConfigureAwait(false);
            return new StoredModelFile(name, version, size, sha256, committed.Value.ETag, false);
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            var existing = (await blob.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
            string stored = existing.Metadata.TryGetValue(HashMetadata, out string? value) ? value : await HashOfAsync(blob, cancellationToken).ConfigureAwait(false);
            if (stored == sha256 && await GetVersionAsync(name, version, cancellationToken).ConfigureAwait(false) is null)
            {
                return new StoredModelFile(name, version, size, sha256, existing.ETag, true);
            }

            throw VersionExists(name, version);
        }
    }

    /// <summary>A read stream of a stored model file (seekable: a model loader can read it as a file).</summary>
    public async Task<Stream> OpenModelFileAsync(StoredModelFile file, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(file);
        return await hub.ModelFiles.GetBlobClient($"{file.Name}/{file.Version}/model.bin")
            .OpenReadAsync(new BlobOpenReadOptions(allowModifications: false), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes a stored model file that will not be registered (the loader refused it), unless it changed since.</summary>
    public async Task DeleteUnregisteredFileAsync(StoredModelFile file, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(file);
        try
        {
            await hub.ModelFiles.GetBlobClient($"{file.Name}/{file.Version}/model.bin")
                .DeleteIfExistsAsync(conditions: new BlobRequestConditions { IfMatch = file.ETag }, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 412)
        {
            // Replaced since: not ours to delete.
        }
    }

    /// <summary>Registers an uploaded model file (stored by <see cref="StoreModelFileAsync"/>) as its version.</summary>
    public Task<ModelVersionInfo> RecordUploadAsync(StoredModelFile file, IReadOnlyDictionary<string, double> metrics, bool activate, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(file);
        return RecordAsync(file.Name, file.Version, file.Size, metrics, null, null, activate, cancellationToken);
    }

    private static async Task<string> HashOfAsync(BlobBaseClient blob, CancellationToken cancellationToken)
    {
        var content = await blob.OpenReadAsync(new BlobOpenReadOptions(allowModifications: false), cancellationToken).ConfigureAwait(false);
        await using (content.ConfigureAwait(false))
        {
            return Convert.ToHexString(await SHA256.HashDataAsync(content, cancellationToken).ConfigureAwait(false));
        }
    }

    /// <summary>
    /// Refuses bad names and registered versions, before anything is uploaded. (A version whose file exists without a
    /// row is not refused here: an upload of the same file resumes its registration.)
    /// </summary>
    /// <exception cref="PlantRequestException">Invalid name or version (400), or a registered version (409).</exception>
    public async Task CheckNewVersionAsync(string name, string version, CancellationToken cancellationToken = default)
    {
        CheckNames(name, version);
        if (await GetVersionAsync(name, version, cancellationToken).ConfigureAwait(false) is not null)
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
