using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using PlantFunctions.Model.Coding;
using PlantFunctions.Model.Notes;

namespace PlantFunctions.Cli.Commands;

/// <summary>
/// <c>plant code</c>: codes a note file (or folder) with a model file and writes one JSON Lines record per input note:
/// the codes with probabilities and evidence, or the reason the note could not be read or coded. Bad input never stops
/// the run; only a model, input or output path that cannot be opened does (exit code 2).
/// </summary>
internal static class CodeCommand
{
    private const int GroupSize = 64;
    private const int ErrorsShown = 5;
    /// <summary>The service's record settings (nulls left out, as in batch results), with quotes and the like written as they are.</summary>
    private static readonly JsonSerializerOptions Json = new(Contracts.PlantJson.Options) { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    internal static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Model file", Required = true };
        var input = new Option<string>("--input") { Description = "Notes: .jsonl, .csv, .txt or a folder of them", Required = true };
        var output = new Option<string>("--output") { Description = "JSON Lines output", DefaultValueFactory = _ => "coded.jsonl" };
        var device = new Option<string>("--device") { Description = "cpu, cuda or auto", DefaultValueFactory = _ => "auto" };
        var threshold = new Option<float?>("--threshold") { Description = "Probability threshold (default: the model's tuned one)" };
        var perCode = new Option<bool>("--per-code-thresholds") { Description = "Use the model's per-code thresholds tuned on validation (codes without validation positives use the global one)" };
        var minCodes = new Option<int>("--min-codes") { Description = "Always return at least this many codes", DefaultValueFactory = _ => 0 };
        var evidence = new Option<int>("--evidence") { Description = "Evidence words per code", DefaultValueFactory = _ => 5 };
        var shortlist = new Option<int?>("--shortlist") { Description = "Run the exact decoder only for this many codes per note, picked by cheap scores (default: the model's: 300 for models grown beyond their training codes, else every code; 0: every code)" };
        var command = new Command("code", "Code notes with a model file: codes, probabilities and evidence words as JSON Lines")
        {
            model, input, output, device, threshold, perCode, minCodes, evidence, shortlist,
        };
        command.Validators.Add(result =>
        {
            if (result.GetValue(shortlist) is < 0 and var bad)
            {
                result.AddError($"--shortlist takes a code count (0: every code); got {bad}");
            }
        });
        command.SetAction((parse, cancellationToken) =>
        {
            var options = new CodingOptions { Threshold = parse.GetValue(threshold), PerCodeThresholds = parse.GetValue(perCode), MinCodes = parse.GetValue(minCodes), EvidenceTokens = parse.GetValue(evidence),
                Shortlist = parse.GetValue(shortlist) };
            return Task.FromResult(Run(parse.GetValue(model)!, parse.GetValue(input)!, parse.GetValue(output)!, parse.GetValue(device), options, cancellationToken));
        });
        return command;
    }

    private static int Run(string modelPath, string inputPath, string outputPath, string? device, CodingOptions options, CancellationToken cancellationToken)
    {
        if (InputProblem(inputPath) is { } inputProblem)
        {
            return Fail($"cannot read the input '{inputPath}': {inputProblem}");
        }

        FileStream modelFile;
        try
        {
            modelFile = File.OpenRead(modelPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Fail($"cannot open the model file '{modelPath}': {ex.Message}");
        }

        INoteCoder coder;
        using (modelFile)
        {
            try
            {
                coder = new PlantCoderLoader(device, ConsoleNotices.Instance).Load(modelFile);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                return Fail($"cannot load the model file '{modelPath}': {ex.Message}");
            }
        }

        using (coder)
        {
            StreamWriter writer;
            try
            {
                writer = new StreamWriter(outputPath);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return Fail($"cannot write the output file '{outputPath}': {ex.Message}");
            }

            var clock = Stopwatch.StartNew();
            Tally tally;
            using (writer)
            {
                tally = CodeAll(coder, inputPath, writer, options, cancellationToken);
            }

            Console.WriteLine($"coded {tally.Coded} notes, {tally.Unreadable} unreadable, {tally.Uncodable} the model could not code " +
                              $"({tally.Records} records) in {clock.Elapsed.TotalSeconds:F1} s with {coder.Info.Name} {coder.Info.Version} -> {outputPath}");
            foreach (string error in tally.FirstErrors)
            {
                Console.WriteLine($"  {error}");
            }

            if (tally.Unreadable + tally.Uncodable > tally.FirstErrors.Count)
            {
                Console.WriteLine($"  ... and {tally.Unreadable + tally.Uncodable - tally.FirstErrors.Count} more error records in {outputPath}");
            }
        }

        return 0;
    }

    private static Tally CodeAll(INoteCoder coder, string inputPath, StreamWriter writer, CodingOptions options, CancellationToken cancellationToken)
    {
        var tally = new Tally();
        foreach (var group in NoteReader.Read(inputPath, NoteReaderOptions.Collecting).Chunk(GroupSize))
        {
            var notes = group.Where(r => r.Note is not null).Select(r => r.Note!).ToList();
            var (coded, errors) = IsolatingCoder.Code(coder, notes, options, rethrowWhenAllFail: false, cancellationToken);
            int index = 0;
            foreach (var item in group)
            {
                if (item.Note is { } note)
                {
                    int i = index++;
                    if (coded[i] is { } result)
                    {
                        writer.WriteLine(JsonSerializer.Serialize(new { id = note.Id, modelVersion = coder.Info.Version, codes = result.Codes }, Json));
                        tally.Coded++;
                    }
                    else
                    {
                        WriteError(writer, note.Id, errors[i]!, item.Location, tally);
                        tally.Uncodable++;
                    }
                }
                else
                {
                    WriteError(writer, item.Error!.NoteId ?? item.Location, item.Error.Reason, item.Location, tally);
                    tally.Unreadable++;
                }
            }
        }

        return tally;
    }

    private static void WriteError(StreamWriter writer, string id, string reason, string source, Tally tally)
    {
        writer.WriteLine(JsonSerializer.Serialize(new { id, error = reason, source }, Json));
        if (tally.FirstErrors.Count < ErrorsShown)
        {
            tally.FirstErrors.Add($"{source}: {reason}");
        }
    }

    /// <summary>Why the input path cannot be read as notes at all, or <c>null</c> (bad records inside it are not this).</summary>
    private static string? InputProblem(string path)
    {
        if (Directory.Exists(path))
        {
            return null;
        }

        if (!File.Exists(path))
        {
            return "no such file or folder";
        }

        if (NoteReader.FormatOf(path) is null)
        {
            return "not a note file: expected .jsonl, .ndjson, .csv or .txt, or a folder of them";
        }

        try
        {
            File.OpenRead(path).Dispose();
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return ex.Message;
        }
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"plant code: {message}");
        return 2;
    }

    /// <summary>What the run wrote: one record per note, coded or not, and the first few errors to show.</summary>
    private sealed class Tally
    {
        public int Coded { get; set; }

        public int Unreadable { get; set; }

        public int Uncodable { get; set; }

        public int Records => Coded + Unreadable + Uncodable;

        public List<string> FirstErrors { get; } = [];
    }
}
