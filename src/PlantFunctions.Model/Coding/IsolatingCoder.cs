using System.Runtime.ExceptionServices;
using PlantFunctions.Model.Notes;

namespace PlantFunctions.Model.Coding;

/// <summary>
/// Codes a group of notes so that a note the model itself fails on does not cost the others their codes: the group is
/// coded at once, and if the coder throws, one note at a time (each tried twice, so a passing fault such as a device out
/// of memory for a moment does not brand a good note). Used by <c>plant code</c> and by the batch service's shards.
/// </summary>
public static class IsolatingCoder
{
    /// <summary>
    /// Per note, in order: the coded result, or the reason it could not be coded. With <paramref name="rethrowWhenAllFail"/>,
    /// a group whose every note fails on its own too rethrows the group's exception: the fault is then not in the notes
    /// (a device or model problem), and the batch service retries the shard instead of recording errors.
    /// </summary>
    public static (IReadOnlyList<CodedNote?> Coded, IReadOnlyList<string?> Errors) Code(INoteCoder coder, IReadOnlyList<ClinicalNote> notes, CodingOptions options,
        bool rethrowWhenAllFail, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(coder);
        ArgumentNullException.ThrowIfNull(notes);
        var coded = new CodedNote?[notes.Count];
        var errors = new string?[notes.Count];
        if (notes.Count == 0)
        {
            return (coded, errors);
        }

        ExceptionDispatchInfo? groupFailure;
        try
        {
            var all = coder.Code(notes, options, cancellationToken);
            if (all.Count != notes.Count)
            {
                throw new InvalidOperationException($"the coder returned {all.Count} results for {notes.Count} notes");
            }

            return (all, errors);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            groupFailure = ExceptionDispatchInfo.Capture(ex);
        }

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
                    errors[i] = $"the model could not code this note: {single.GetType().Name}: {single.Message}";
                }
            }
        }

        if (rethrowWhenAllFail && errors.All(e => e is not null))
        {
            groupFailure.Throw();
        }

        return (coded, errors);
    }
}
