using System.Diagnostics;
using PlantFunctions.Model.Assertions;
using PlantFunctions.Model.Coding;
using PlantFunctions.Model.Notes;
using PlantFunctions.Model.Runtime;
using PlantFunctions.Model.Text;
using PlantFunctions.Testing;

namespace PlantFunctions.Benchmarks;

/// <summary>
/// The assertion tagger's cost and what it says about a model's codes, on CodiEsp notes (default: the 250 dev notes).
/// Tags every note (tokenizer included) <c>--repeats</c> times after a warm-up and prints the median pass. With
/// <c>--model-file</c>, codes the notes in groups of 64 as <c>plant code</c> does (5 evidence words, at least 5 codes)
/// and prints the coder's own assertions stage as a share of coding time, then the top-5 codes that rest mostly on
/// negated (and on non-affirmed) evidence and their precision against the gold codes beside the other top-5 codes'.
/// Options: --codiesp ROOT, --split dev|train|test, --model-file FILE, --repeats N.
/// </summary>
internal static class AssertionBenchmark
{
    public static int Run(string[] args)
    {
        string root = Value(args, "--codiesp") ?? Path.Combine(RepoPaths.SharedDataPath, "codiesp");
        string split = Value(args, "--split") ?? "dev";
        string? modelFile = Value(args, "--model-file");
        int repeats = PriorsBenchmark.Arg(args, "--repeats", 5);
        var notes = CodiEspImporter.Read(root, split);
        int tokens = notes.Sum(n => Tokenizer.Tokenize(n.Text).Count);
        Console.WriteLine($"CodiEsp {split}: {notes.Count} notes, {tokens:N0} tokens ({root})");

        double tagging = TagAll(notes, repeats);
        Console.WriteLine($"tagging (tokenizer + tagger, median of {repeats}): {tagging * 1000:F1} ms, {tagging / notes.Count * 1e6:F0} us/note, {tokens / tagging:N0} tokens/s");
        if (modelFile is null)
        {
            return 0;
        }

        var options = CodingOptions.Default with { MinCodes = 5 };
        var stages = new StageTimes();
        var coded = new List<CodedNote>();
        double seconds;
        using (var coder = new PlantCoderLoader("cpu").Load(File.OpenRead(modelFile)))
        {
            coder.Code(notes.Take(2).ToList(), options);   // warm-up
            var clock = Stopwatch.StartNew();
            using (StageTimes.Collect(stages))
            {
                foreach (var group in notes.Chunk(64))
                {
                    coded.AddRange(coder.Code(group, options));
                }
            }

            seconds = clock.Elapsed.TotalSeconds;
        }

        double inCoder = stages.Seconds.Where(s => s.Stage == "assertions").Sum(s => s.Seconds);
        Console.WriteLine($"coding with {Path.GetFileName(modelFile)} ({Environment.ProcessorCount} threads): {seconds:F1} s, {seconds / notes.Count * 1000:F0} ms/note");
        Console.WriteLine($"assertions stage inside the coder: {inCoder * 1000:F1} ms = {100 * inCoder / seconds:F2}% of coding time " +
                          $"(tagging pass above / coding time: {100 * tagging / seconds:F2}%)");
        PrintTopFive(notes, coded);
        return 0;
    }

    private static double TagAll(IReadOnlyList<ClinicalNote> notes, int repeats)
    {
        var tagger = AssertionTagger.Default;
        var times = new List<double>();
        for (int r = 0; r <= repeats; r++)
        {
            var clock = Stopwatch.StartNew();
            foreach (var note in notes)
            {
                tagger.Tag(note.Text, Tokenizer.Tokenize(note.Text));
            }

            if (r > 0)
            {
                times.Add(clock.Elapsed.TotalSeconds);   // pass 0 is the warm-up
            }
        }

        return times.Order().ElementAt(times.Count / 2);
    }

    /// <summary>Top-5 codes split by where their evidence weight lies, with each group's precision against the gold codes.</summary>
    private static void PrintTopFive(IReadOnlyList<ClinicalNote> notes, List<CodedNote> coded)
    {
        var top = notes.Zip(coded).SelectMany(p => p.Second.Codes.Take(5).Select(c => (Code: c, Gold: p.First.Codes!.Contains(c.Code)))).ToList();
        static double Share(CodePrediction c, Func<EvidenceToken, bool> which) =>
            c.Evidence.Sum(e => e.Weight) is > 0 and var total ? c.Evidence.Where(which).Sum(e => e.Weight) / total : 0;

        Console.WriteLine();
        Console.WriteLine($"top-5 codes: {top.Count}, precision {Precision(top.Select(t => t.Gold)):F3}");
        foreach (var (name, which) in new (string, Func<EvidenceToken, bool>)[]
                 {
                     ("negated", e => e.Assertion == "negated"),
                     ("non-affirmed (any)", e => e.Assertion is not null),
                     ("possible", e => e.Assertion == "possible"),
                     ("historical", e => e.Assertion == "historical"),
                     ("family", e => e.Assertion == "family"),
                 })
        {
            var mostly = top.Where(t => Share(t.Code, which) > 0.5).ToList();
            var rest = top.Where(t => Share(t.Code, which) <= 0.5).ToList();
            Console.WriteLine($"  resting mostly (> 50% of evidence weight) on {name,-19} {mostly.Count,5} codes ({100.0 * mostly.Count / top.Count,4:F1}%), " +
                              $"precision {Precision(mostly.Select(t => t.Gold)):F3}; the others {Precision(rest.Select(t => t.Gold)):F3}");
        }

        var words = coded.SelectMany(c => c.Codes.Take(5)).SelectMany(c => c.Evidence).ToList();
        Console.WriteLine($"  evidence words of the top-5 codes: {words.Count}; " +
                          string.Join(", ", AssertionNames.All.Select(a => $"{a.Name} {100.0 * words.Count(w => (w.Assertion ?? "affirmed") == a.Name) / words.Count:F1}%")));
    }

    private static double Precision(IEnumerable<bool> hits)
    {
        var list = hits.ToList();
        return list.Count == 0 ? double.NaN : list.Count(h => h) / (double)list.Count;
    }

    private static string? Value(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
