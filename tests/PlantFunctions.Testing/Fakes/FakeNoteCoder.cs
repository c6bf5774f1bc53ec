using PlantFunctions.Model.Coding;
using PlantFunctions.Model.Notes;

namespace PlantFunctions.Testing.Fakes;

/// <summary>
/// A deterministic coder: a code for each lexicon word the note contains (evidence = that word's first occurrence),
/// otherwise Z00.00 with the first word as evidence. It sleeps <see cref="FakeModelSettings.DelayPerNote"/> per note
/// (cancellable), throws for a note containing <see cref="FakeModelSettings.ThrowMarker"/>, ends its process on one
/// containing <see cref="FakeModelSettings.CrashMarker"/>, holds on one containing <see cref="FakeModelSettings.HoldMarker"/>
/// when asked to, and records the threads it
/// was called on so tests can check that coding stays on one thread.
/// </summary>
public sealed class FakeNoteCoder(CoderInfo info, FakeModelSettings settings) : INoteCoder
{
    private static readonly (string Word, string Code, string Description)[] Lexicon =
    [
        ("fever", "R50.9", "Fever, unspecified"),
        ("cough", "R05", "Cough"),
        ("diabetes", "E11.9", "Type 2 diabetes mellitus without complications"),
        ("hypertension", "I10", "Essential (primary) hypertension"),
        ("pain", "R52", "Pain, unspecified"),
        ("fracture", "T14.8", "Other injury of unspecified body region"),
    ];

    private readonly HashSet<int> threads = [];
    private readonly List<CodingOptions> options = [];
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> groupCalls = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public CoderInfo Info => info;

    /// <summary>Managed thread ids <see cref="Code"/> ran on.</summary>
    public IReadOnlyCollection<int> Threads
    {
        get
        {
            lock (threads)
            {
                return [.. threads];
            }
        }
    }

    /// <summary>The options of every <see cref="Code"/> call, in order.</summary>
    public IReadOnlyList<CodingOptions> Options
    {
        get
        {
            lock (options)
            {
                return [.. options];
            }
        }
    }

    /// <summary>How many times a note was coded as part of a group (one per attempt of its shard; retries one at a time not counted).</summary>
    public int GroupCalls(string noteId) => groupCalls.GetValueOrDefault(noteId);

    /// <inheritdoc />
    public IReadOnlyList<CodedNote> Code(IReadOnlyList<ClinicalNote> notes, CodingOptions options, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        lock (this.options)
        {
            this.options.Add(options);
        }

        lock (threads)
        {
            threads.Add(Environment.CurrentManagedThreadId);
        }

        if (notes.Count > 1)
        {
            foreach (var note in notes)
            {
                groupCalls.AddOrUpdate(note.Id, 1, (_, count) => count + 1);
            }
        }

        var results = new List<CodedNote>(notes.Count);
        foreach (var note in notes)
        {
            settings.HoldIfAsked(cancellationToken);
            settings.HoldOnNoteIfAsked(note.Text, cancellationToken);
            if (note.Text.Contains(FakeModelSettings.CrashMarker, StringComparison.Ordinal))
            {
                Environment.FailFast($"the fake coder crashes its process on note '{note.Id}'");
            }

            if (settings.DelayPerNote > TimeSpan.Zero && cancellationToken.WaitHandle.WaitOne(settings.DelayPerNote))
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            cancellationToken.ThrowIfCancellationRequested();
            if (note.Text.Contains(FakeModelSettings.ThrowMarker, StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"the fake coder refuses note '{note.Id}'");
            }

            results.Add(new CodedNote(note.Id, Predict(note.Text)));
        }

        return results;
    }

    /// <summary>Whether <see cref="Dispose"/> ran (the service unloads idle model versions).</summary>
    public bool IsDisposed { get; private set; }

    /// <inheritdoc />
    public void Dispose() => IsDisposed = true;

    /// <summary>The codes the fake coder gives a text (tests use it to check results).</summary>
    public static IReadOnlyList<CodePrediction> Predict(string text)
    {
        var codes = new List<CodePrediction>();
        foreach (var (word, code, description) in Lexicon)
        {
            int at = text.IndexOf(word, StringComparison.OrdinalIgnoreCase);
            if (at >= 0)
            {
                codes.Add(new CodePrediction(code, description, 0.9f, [new EvidenceToken(text.Substring(at, word.Length), at, word.Length, 1f)]));
            }
        }

        if (codes.Count == 0)
        {
            int start = 0;
            while (start < text.Length && char.IsWhiteSpace(text[start]))
            {
                start++;
            }

            int end = start;
            while (end < text.Length && !char.IsWhiteSpace(text[end]))
            {
                end++;
            }

            codes.Add(new CodePrediction("Z00.00", "General adult medical examination", 0.5f, [new EvidenceToken(text[start..end], start, end - start, 1f)]));
        }

        return codes;
    }
}
