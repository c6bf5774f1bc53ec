using PlantFunctions.Model.Labels;
using PlantFunctions.Model.Notes;
using PlantFunctions.Model.Text;

namespace PlantFunctions.Model.Priors;

/// <summary>
/// Document-level binary presence of token types and codes, the input of mutual information: per document its distinct
/// token ids, per code the documents that carry it. Built in one streaming pass; memory is one int per distinct token
/// per document plus one per code assignment (about 100 MB at MIMIC-III scale).
/// </summary>
public sealed class PresenceCorpus
{
    private readonly int[] documentOffsets;
    private readonly int[] documentTokens;
    private readonly int[] codeOffsets;
    private readonly int[] codeDocuments;

    private PresenceCorpus(int vocabularySize, int labels, int[] documentOffsets, int[] documentTokens, int[] codeOffsets, int[] codeDocuments, int[] tokenFrequency)
    {
        VocabularySize = vocabularySize;
        Labels = labels;
        this.documentOffsets = documentOffsets;
        this.documentTokens = documentTokens;
        this.codeOffsets = codeOffsets;
        this.codeDocuments = codeDocuments;
        TokenDocumentFrequency = tokenFrequency;
    }

    /// <summary>Number of documents.</summary>
    public int Documents => documentOffsets.Length - 1;

    /// <summary>Vocabulary size (ids 0 .. size-1).</summary>
    public int VocabularySize { get; }

    /// <summary>Number of codes.</summary>
    public int Labels { get; }

    /// <summary>Per token id, the number of documents containing it.</summary>
    public IReadOnlyList<int> TokenDocumentFrequency { get; }

    /// <summary>Total (document, token type) pairs: the work of one MI pass.</summary>
    public long TokenPresences => documentTokens.Length;

    /// <summary>Distinct token ids of a document, ascending.</summary>
    public ReadOnlySpan<int> TokensOf(int document) =>
        documentTokens.AsSpan(documentOffsets[document], documentOffsets[document + 1] - documentOffsets[document]);

    /// <summary>Documents carrying a code, ascending.</summary>
    public ReadOnlySpan<int> DocumentsOf(int code) =>
        codeDocuments.AsSpan(codeOffsets[code], codeOffsets[code + 1] - codeOffsets[code]);

    /// <summary>
    /// Streams the notes once. Reserved ids (padding, unknown, note start) are not token types and are left out; codes
    /// outside <paramref name="labels"/> are ignored.
    /// </summary>
    public static PresenceCorpus Build(IEnumerable<ClinicalNote> notes, Vocabulary vocabulary, LabelSet labels)
    {
        var offsets = new List<int> { 0 };
        var tokens = new IntBuffer(1 << 20);
        var codeLists = new List<int>[labels.Count];
        var frequency = new int[vocabulary.Count];
        var seen = new bool[vocabulary.Count];
        var spans = new List<TokenSpan>();
        var distinct = new List<int>();
        int document = 0;
        foreach (var note in notes)
        {
            distinct.Clear();
            foreach (int id in vocabulary.Encode(note.Text, spans))
            {
                if (id >= Vocabulary.Reserved.Count && !seen[id])
                {
                    seen[id] = true;
                    distinct.Add(id);
                }
            }

            distinct.Sort();
            foreach (int id in distinct)
            {
                seen[id] = false;
                frequency[id]++;
                tokens.Add(id);
            }

            offsets.Add(checked((int)tokens.Count));
            foreach (string code in (note.Codes ?? []).Distinct(StringComparer.Ordinal))
            {
                int label = labels.IndexOf(code);
                if (label >= 0)
                {
                    (codeLists[label] ??= []).Add(document);
                }
            }

            document++;
        }

        var codeOffsets = new int[labels.Count + 1];
        for (int l = 0; l < labels.Count; l++)
        {
            codeOffsets[l + 1] = codeOffsets[l] + (codeLists[l]?.Count ?? 0);
        }

        var codeDocuments = new int[codeOffsets[^1]];
        for (int l = 0; l < labels.Count; l++)
        {
            codeLists[l]?.CopyTo(codeDocuments, codeOffsets[l]);
        }

        return new PresenceCorpus(vocabulary.Count, labels.Count, [.. offsets], tokens.ToArray(), codeOffsets, codeDocuments, frequency);
    }

    /// <summary>A growable int array that doubles without a List's per-item overhead.</summary>
    private sealed class IntBuffer(int capacity)
    {
        private int[] items = new int[capacity];

        public long Count { get; private set; }

        public void Add(int value)
        {
            if (Count == items.Length)
            {
                Array.Resize(ref items, checked(items.Length * 2));
            }

            items[Count++] = value;
        }

        public int[] ToArray() => items[..(int)Count];
    }
}
