using PlantFunctions.Model.Coding;
using PlantFunctions.Model.Notes;
using PlantFunctions.Pipeline.Coding;

namespace PlantFunctions.Pipeline.Batches;

/// <summary>
/// Codes the notes of a shard with a cached model version on the process's inference thread. A note the model itself
/// fails on does not fail its shard: the group is coded again one note at a time, and only that note gets an error.
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
            var (coded, errors) = CodeIsolatingBadNotes(lease.Coder, notes, options, cancellationToken);
            return (coded, errors, (long)time.GetElapsedTime(started).TotalMilliseconds);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Codes the notes as one group; if the coder throws, codes them one at a time (a note that fails is tried twice) so
    /// that a note the model cannot code becomes an error and the others are still coded. When every note fails on its
    /// own too, the fault is not in the notes (a device or model problem): the group's exception is rethrown and the
    /// shard's attempt fails.
    /// </summary>
    internal static (IReadOnlyList<CodedNote?> Coded, IReadOnlyList<string?> Errors) CodeIsolatingBadNotes(INoteCoder coder, IReadOnlyList<ClinicalNote> notes,
        CodingOptions options, CancellationToken cancellationToken)
    {
        try
        {
            var all = coder.Code(notes, options, cancellationToken);
            if (all.Count != notes.Count)
            {
                throw new InvalidOperationException($"the coder returned {all.Count} results for {notes.Count} notes");
            }

            return (all, new string?[notes.Count]);
        }
        catch (Exception) when (notes.Count > 1 && !cancellationToken.IsCancellationRequested)
        {
            var coded = new CodedNote?[notes.Count];
            var errors = new string?[notes.Count];
            for (int i = 0; i < notes.Count; i++)
            {
                for (int attempt = 1; attempt <= 2 && coded[i] is null; attempt++)
                {
                    try
                    {
                        coded[i] = coder.Code([notes[i]], options, cancellationToken).Single();
                        errors[i] = null;
                    }
                    catch (Exception single) when (!cancellationToken.IsCancellationRequested)
                    {
                        // Twice, so a passing fault (a device out of memory for a moment) does not brand a good note.
                        errors[i] = $"the model could not code this note: {single.GetType().Name}: {single.Message}";
                    }
                }
            }

            if (errors.All(e => e is not null))
            {
                throw;
            }

            return (coded, errors);
        }
    }
}
