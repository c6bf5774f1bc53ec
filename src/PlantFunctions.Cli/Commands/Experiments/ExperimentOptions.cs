using System.CommandLine;
using System.Globalization;
using PlantFunctions.Model.Notes;

namespace PlantFunctions.Cli.Commands.Experiments;

/// <summary>
/// The options the training experiments share: where training and evaluation notes come from, the seeds and variants,
/// and the <c>plant train</c> settings passed through to every run.
/// </summary>
internal sealed class ExperimentOptions
{
    private readonly Option<string?> codiesp = new("--codiesp") { Description = "CodiEsp root: trains on its 'train' split and evaluates on --split" };
    private readonly Option<CodiEspLabels> labels = new("--labels") { Description = "CodiEsp label set", DefaultValueFactory = _ => CodiEspLabels.Diagnoses };
    private readonly Option<string?> notes = new("--notes") { Description = "Coded training notes (.jsonl, .csv, folder) instead of CodiEsp" };
    private readonly Option<string?> validationNotes = new("--validation-notes") { Description = "Coded validation notes (default: 10% split off the training notes)" };
    private readonly Option<string?> evalNotes = new("--eval-notes") { Description = "Coded notes to evaluate on (needed with --notes)" };
    private readonly Option<string> split = new("--split") { Description = "CodiEsp split to evaluate on", DefaultValueFactory = _ => "dev" };
    private readonly Option<string> preset = new("--preset") { Description = "tiny, cpu or paper", DefaultValueFactory = _ => "cpu" };
    private readonly Option<string> seeds = new("--seeds") { Description = "Comma-separated seeds, one run per variant and seed", DefaultValueFactory = _ => "42" };
    private readonly Option<string> variants;
    private readonly Option<string?> lmFrom = new("--lm-from") { Description = "Every run starts from this checkpoint's language model (default: runs of one seed share the first run's)" };
    private readonly Option<string> device = new("--device") { Description = "cpu, cuda or auto", DefaultValueFactory = _ => "auto" };
    private readonly Option<int?> lmEpochs = new("--lm-epochs") { Description = "Language-model epochs (default: plant train's)" };
    private readonly Option<int?> rankerEpochs = new("--ranker-epochs") { Description = "Ranker epochs (default: plant train's)" };
    private readonly Option<int?> epochs = new("--epochs") { Description = "Classifier epochs (default: plant train's)" };
    private readonly Option<bool> noRefit = new("--no-refit") { Description = "Every run ships its selection pass's model instead of refitting on all training notes (halves the classifier time)" };
    private readonly Option<string> output = new("--out") { Description = "Folder for the CSV, the PNG and the runs (models, checkpoints, metrics; reused when run again)", DefaultValueFactory = _ => "experiments" };

    private ExperimentOptions(string defaultVariants) =>
        variants = new Option<string>("--variants")
        {
            Description = $"Comma-separated: {string.Join(", ", ExperimentVariant.All.Select(v => v.Name))}, or truncated-N (attention over the last N tokens; truncated is N = 2880, the authors' window)",
            DefaultValueFactory = _ => defaultVariants,
        };

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public static ExperimentOptions AddTo(Command command, string defaultVariants)
    {
        var options = new ExperimentOptions(defaultVariants);
        foreach (var option in new Option[] { options.codiesp, options.labels, options.notes, options.validationNotes, options.evalNotes, options.split,
                     options.preset, options.seeds, options.variants, options.lmFrom, options.device, options.lmEpochs, options.rankerEpochs, options.epochs, options.noRefit, options.output })
        {
            command.Options.Add(option);
        }

        return options;
    }

    /// <summary>The settings as given; throws <see cref="ArgumentException"/> for a missing or contradictory source.</summary>
    public ExperimentSettings Read(ParseResult parse)
    {
        string? root = parse.GetValue(codiesp);
        string? train = parse.GetValue(notes);
        string? eval = parse.GetValue(evalNotes);
        if ((root is null) == (train is null))
        {
            throw new ArgumentException("give the training notes: --codiesp <root> or --notes <file>, not both");
        }

        if (train is not null && eval is null)
        {
            throw new ArgumentException("--notes needs --eval-notes <coded notes> to evaluate on");
        }

        int[] seedList = [.. parse.GetValue(seeds)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int seed) ? seed : throw new ArgumentException($"--seeds: '{s}' is not a whole number"))];
        var passThrough = new List<string> { "--preset", parse.GetValue(preset)!, "--device", parse.GetValue(device)! };
        foreach (var (name, value) in new[] { ("--lm-epochs", parse.GetValue(lmEpochs)), ("--ranker-epochs", parse.GetValue(rankerEpochs)), ("--epochs", parse.GetValue(epochs)) })
        {
            if (value is { } v)
            {
                passThrough.AddRange([name, v.ToString(CultureInfo.InvariantCulture)]);
            }
        }

        if (parse.GetValue(noRefit))
        {
            passThrough.Add("--no-refit");
        }

        string[] rootArguments = root is null ? [] : ["--codiesp", root, "--labels", parse.GetValue(labels).ToString()];
        return new ExperimentSettings(
            root, parse.GetValue(labels), train, parse.GetValue(validationNotes),
            EvaluateArguments: [.. rootArguments, .. eval is null ? ["--split", parse.GetValue(split)!] : new[] { "--notes", eval }, "--device", parse.GetValue(device)!],
            TrainArguments: [.. passThrough],
            seedList.Length > 0 ? seedList : throw new ArgumentException("--seeds names no seed"),
            ExperimentVariant.Parse(parse.GetValue(variants)!),
            parse.GetValue(lmFrom) is { } lm ? Path.GetFullPath(lm) : null,
            Path.GetFullPath(parse.GetValue(output)!));
    }
}
