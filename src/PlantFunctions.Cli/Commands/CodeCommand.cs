using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using PlantFunctions.Model.Coding;
using PlantFunctions.Model.Notes;

namespace PlantFunctions.Cli.Commands;

/// <summary>
/// <c>plant code</c>: codes a note file (or folder) with a model file and writes one JSON Lines record per input note:
/// the codes with probabilities and evidence, or the reason the note could not be read.
/// </summary>
internal static class CodeCommand
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    internal static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Model file", Required = true };
        var input = new Option<string>("--input") { Description = "Notes: .jsonl, .csv, .txt or a folder of them", Required = true };
        var output = new Option<string>("--output") { Description = "JSON Lines output", DefaultValueFactory = _ => "coded.jsonl" };
        var device = new Option<string>("--device") { Description = "cpu, cuda or auto", DefaultValueFactory = _ => "auto" };
        var threshold = new Option<float?>("--threshold") { Description = "Probability threshold (default: the model's tuned one)" };
        var minCodes = new Option<int>("--min-codes") { Description = "Always return at least this many codes", DefaultValueFactory = _ => 0 };
        var evidence = new Option<int>("--evidence") { Description = "Evidence words per code", DefaultValueFactory = _ => 5 };
        var command = new Command("code", "Code notes with a model file: codes, probabilities and evidence words as JSON Lines")
        {
            model, input, output, device, threshold, minCodes, evidence,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            using var stream = File.OpenRead(parse.GetValue(model)!);
            using var coder = new PlantCoderLoader(parse.GetValue(device), ConsoleNotices.Instance).Load(stream);
            var options = new CodingOptions { Threshold = parse.GetValue(threshold), MinCodes = parse.GetValue(minCodes), EvidenceTokens = parse.GetValue(evidence) };
            var clock = Stopwatch.StartNew();
            int coded = 0, failed = 0;
            using var writer = new StreamWriter(parse.GetValue(output)!);
            foreach (var group in NoteReader.Read(parse.GetValue(input)!, NoteReaderOptions.Collecting).Chunk(64))
            {
                var notes = group.Where(r => r.Note is not null).Select(r => r.Note!).ToList();
                var results = coder.Code(notes, options, cancellationToken).ToDictionary(r => r.NoteId);
                foreach (var item in group)
                {
                    if (item.Note is { } note)
                    {
                        var result = results[note.Id];
                        writer.WriteLine(JsonSerializer.Serialize(new { id = note.Id, modelVersion = coder.Info.Version, codes = result.Codes }, Json));
                        coded++;
                    }
                    else
                    {
                        writer.WriteLine(JsonSerializer.Serialize(new { id = item.Error!.NoteId ?? item.Location, error = item.Error.Reason, source = item.Location }, Json));
                        failed++;
                    }
                }
            }

            Console.WriteLine($"coded {coded} notes ({failed} unreadable) in {clock.Elapsed.TotalSeconds:F1} s with {coder.Info.Name} {coder.Info.Version} -> {parse.GetValue(output)}");
            return Task.FromResult(0);
        });
        return command;
    }
}
