using System.CommandLine;
using System.Globalization;
using PlantFunctions.Model.Artifacts;
using PlantFunctions.Model.Coding;
using PlantFunctions.Model.Labels;
using PlantFunctions.Model.LabelSpaces;
using PlantFunctions.Model.Notes;
using PlantFunctions.Model.Training;

namespace PlantFunctions.Cli.Commands;

/// <summary>
/// <c>plant extend</c>: grows a trained model file to a larger label space without training again: the added codes are
/// scored from their descriptions and ICD families (<see cref="LabelSpaceExtender"/>), the trained codes keep what they
/// learnt. It needs the coded notes the model was trained on, for the added codes' borrowed priors.
/// </summary>
internal static class ExtendCommand
{
    internal static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Model file to grow", Required = true };
        var codiesp = new Option<string?>("--codiesp") { Description = "CodiEsp root whose 'train' split the model was trained on (default: the bundled sample)" };
        var labels = new Option<CodiEspLabels>("--labels") { Description = "CodiEsp label set", DefaultValueFactory = _ => CodiEspLabels.Diagnoses };
        var notes = new Option<string?>("--notes") { Description = "The coded notes the model was trained on, instead of CodiEsp" };
        var space = new Option<string>("--label-space") { Description = "categories, categories-no-7th, billable (every leaf code of the descriptions table: with the bundled one, the whole ICD-10-CM) or a file of codes", Required = true };
        var descriptions = new Option<string[]>("--descriptions") { Description = "ICD description tables (default: the bundled ICD-10-CM ones)", AllowMultipleArgumentsPerToken = true };
        var offset = new Option<double?>("--unseen-offset") { Description = $"Bias of an added code relative to the trained codes seen least often (default: the model's, else {TrainingOptions.DefaultUnseenCodeOffset.ToString(CultureInfo.InvariantCulture)})" };
        var output = new Option<string>("--out") { Description = "Model file to write", Required = true };
        var shortlist = new Option<int>("--shortlist")
        {
            Description = "Codes per note the grown model's exact decoder runs for by default when coding, picked by cheap scores (0: every code)",
            DefaultValueFactory = _ => CodingOptions.DefaultShortlist,
        };
        var command = new Command("extend", "Grow a trained model to a larger label space: codes no training note carries, scored from their descriptions and ICD families")
        {
            model, codiesp, labels, notes, space, descriptions, offset, output, shortlist,
        };
        command.Validators.Add(result =>
        {
            if (result.GetValue(shortlist) < 0)
            {
                result.AddError($"--shortlist takes a code count (0: every code); got {result.GetValue(shortlist)}");
            }
        });
        command.SetAction(parse =>
        {
            using var stream = File.OpenRead(parse.GetValue(model)!);
            using var artifact = ModelArtifact.Read(stream);
            var table = IcdDescriptions.Load(parse.GetValue(descriptions) is { Length: > 0 } given ? given : SampleData.Icd10CmTables);
            string labelSpace = parse.GetValue(space)!;
            var extra = new LabelSpace(labelSpace).ExtraCodes(artifact.Labels, table);
            if (extra.Count == 0)
            {
                throw new CommandInputException($"--label-space '{labelSpace}' adds no code to the model's {artifact.Labels.Count:N0}");
            }

            var training = CorpusArguments.Load(parse.GetValue(codiesp), parse.GetValue(notes), parse.GetValue(labels), "train").Where(n => n.Codes is { Count: > 0 }).ToList();
            double unseenOffset = parse.GetValue(offset) ?? artifact.Manifest.Training.UnseenCodeOffset ?? TrainingOptions.DefaultUnseenCodeOffset;
            var grown = LabelSpaceExtender.Extend(artifact, training, extra, unseenOffset);
            using (grown.Model)
            {
                File.WriteAllBytes(parse.GetValue(output)!, LabelSpaceExtender.Write(artifact, grown, labelSpace, unseenOffset, parse.GetValue(shortlist)));
            }

            Console.WriteLine($"wrote {parse.GetValue(output)}: {artifact.Labels.Count:N0} trained codes and {extra.Count:N0} added ({grown.Labels.Count:N0} in all), unseen-code offset {unseenOffset.ToString(CultureInfo.InvariantCulture)}");
            return 0;
        });
        return command;
    }
}
