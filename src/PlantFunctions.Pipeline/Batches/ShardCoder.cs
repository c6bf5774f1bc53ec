using PlantFunctions.Model.Coding;
using PlantFunctions.Model.Notes;
using PlantFunctions.Pipeline.Coding;

namespace PlantFunctions.Pipeline.Batches;

/// <summary>
/// Codes the notes of a shard with a cached model version on the process's inference thread. A note the model itself
/// fails on does not fail its shard (<see cref="IsolatingCoder"/>); only when every note fails alone too does the
/// attempt fail, so the shard is retried.
/// </summary>
public sealed class ShardCoder(CoderCache coders, InferenceThread inference, TimeProvider time)
{
    /// <summary>Per note, in order: the coded result or the reason it could not be coded; and the time spent in the coder.</summary>
    public async Task<(IReadOnlyList<CodedNote?> Coded, IReadOnlyList<string?> Errors, long Milliseconds)> CodeAsync(
        string modelName, string modelVersion, string modelBlob, IReadOnlyList<ClinicalNote> notes, CodingOptions options, CancellationToken cancellationToken = default)
    {
        if (notes.Count == 0)
        {
            return ([], [], 0);
        }

        var model = new Contracts.Models.ModelVersionInfo(modelName, modelVersion, modelBlob, 0, new Dictionary<string, double>(), null, default, false);
        using var lease = await coders.AcquireAsync(model, cancellationToken).ConfigureAwait(false);
        return await inference.RunAsync(() =>
        {
            long started = time.GetTimestamp();
            var (coded, errors) = IsolatingCoder.Code(lease.Coder, notes, options, rethrowWhenAllFail: true, cancellationToken);
            return (coded, errors, (long)time.GetElapsedTime(started).TotalMilliseconds);
        }, cancellationToken).ConfigureAwait(false);
    }
}
