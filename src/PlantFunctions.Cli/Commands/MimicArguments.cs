using System.CommandLine;
using System.CommandLine.Parsing;
using PlantFunctions.Model.Labels;
using PlantFunctions.Model.Notes;
using PlantFunctions.Model.Notes.Mimic;

namespace PlantFunctions.Cli.Commands;

/// <summary>
/// The options that point <c>plant train</c> and <c>plant evaluate</c> at a credentialed copy of MIMIC-III or MIMIC-IV,
/// and the loading of the splits a command needs in one pass over the notes table.
/// </summary>
internal sealed class MimicArguments
{
    private static readonly string[] OtherCorpora = ["--codiesp", "--notes"];

    private readonly Option<string?> mimic3 = new("--mimic3") { HelpName = "dir", Description = "MIMIC-III v1.4 folder holding NOTEEVENTS, DIAGNOSES_ICD and PROCEDURES_ICD (.csv or .csv.gz; D_ICD_* for descriptions)" };
    private readonly Option<string?> mimic4 = new("--mimic4") { HelpName = "dir", Description = "MIMIC-IV v2.2 folder holding hosp/ (and note/, unless --mimic4-notes says where MIMIC-IV-Note is)" };
    private readonly Option<string?> mimic4Notes = new("--mimic4-notes") { HelpName = "dir", Description = "MIMIC-IV: the folder holding discharge.csv(.gz) (default: <mimic4>/note)" };
    private readonly Option<string?> splits = new("--splits") { HelpName = "dir|file", Description = "MIMIC-III: the folder of {train,dev,test}_{full,50}_hadm_ids.csv; MIMIC-IV: the split table as CSV (columns _id or hadm_id, and split)" };
    private readonly Option<string> labels = new("--mimic-labels") { Description = "MIMIC-III: full, or 50 (the *_50_ id lists and the 50 most frequent codes)", DefaultValueFactory = _ => "full" };
    private readonly Option<string?> labelList = new("--mimic-label-list") { HelpName = "file", Description = "MIMIC-III with --mimic-labels 50: the codes to keep, one per line (e.g. CAML's TOP_50_CODES.csv); default: the 50 codes of most admissions in the *_full_ lists" };
    private readonly Option<int> icdVersion = new("--icd-version") { Description = "MIMIC-IV: 9 or 10", DefaultValueFactory = _ => 10 };
    private readonly Option<int> minCodeCount = new("--min-code-count") { Description = "MIMIC-IV: drop codes of fewer admissions in the split table (Edin et al.: 10)", DefaultValueFactory = _ => Mimic4Options.DefaultMinCodeCount };

    /// <summary>Adds the MIMIC options and their checks to a command.</summary>
    internal static MimicArguments AddTo(Command command)
    {
        var arguments = new MimicArguments();
        foreach (var option in new Option[] { arguments.mimic3, arguments.mimic4, arguments.mimic4Notes, arguments.splits, arguments.labels, arguments.labelList, arguments.icdVersion, arguments.minCodeCount })
        {
            command.Options.Add(option);
        }

        arguments.labels.AcceptOnlyFromAmong("full", "50");
        arguments.icdVersion.AcceptOnlyFromAmong("9", "10");
        command.Validators.Add(result => arguments.Check(result, command));
        return arguments;
    }

    /// <summary>The train split and the dev (val) split as validation, or <c>null</c> when no MIMIC folder is given.</summary>
    internal MimicTraining? Training(ParseResult parse)
    {
        var corpus = Load(parse, [MimicSplit.Train, MimicSplit.Dev]);
        return corpus is null ? null : new MimicTraining(corpus[MimicSplit.Train], corpus[MimicSplit.Dev], corpus.Descriptions, IsIcd9(parse));
    }

    /// <summary>
    /// The split to evaluate, or <c>null</c> when no MIMIC folder is given: test, or the one <paramref name="split"/> names
    /// when it is given on the command line (train, dev/val, test).
    /// </summary>
    internal IReadOnlyList<ClinicalNote>? Evaluation(ParseResult parse, Option<string> split)
    {
        var which = parse.GetResult(split) is { Implicit: false } ? SplitNamed(parse.GetValue(split)!) : MimicSplit.Test;
        return Load(parse, [which])?[which];
    }

    /// <summary>
    /// Code descriptions for training: the tables given with --descriptions; else MIMIC's own dictionary tables when
    /// they were found; else the bundled ICD-10-CM code table, or for ICD-9 codes (MIMIC-III) the bundled ICD-9-CM one.
    /// </summary>
    internal static IcdDescriptions? DescriptionsFor(MimicTraining? mimic, string[]? given, string[] tables)
    {
        if (mimic is null || given is { Length: > 0 })
        {
            return IcdDescriptions.Load(tables);
        }

        if (mimic.Descriptions is not null || !mimic.Icd9)
        {
            return mimic.Descriptions ?? IcdDescriptions.Load(tables);
        }

        Console.WriteLine("D_ICD_DIAGNOSES / D_ICD_PROCEDURES were not found next to the code tables: codes are described by the bundled ICD-9-CM table");
        return IcdDescriptions.Load(SampleData.Icd9CmTable);
    }

    private static MimicSplit SplitNamed(string name) => name.ToLowerInvariant() switch
    {
        "train" => MimicSplit.Train,
        "dev" or "val" => MimicSplit.Dev,
        "test" => MimicSplit.Test,
        _ => throw new ArgumentException($"--split '{name}': a MIMIC split is train, dev (or val) or test"),
    };

    internal bool IsIcd9(ParseResult parse) => parse.GetValue(mimic3) is not null || parse.GetValue(icdVersion) == 9;

    private MimicCorpus? Load(ParseResult parse, MimicSplit[] wanted)
    {
        string? three = parse.GetValue(mimic3), four = parse.GetValue(mimic4);
        if (three is null && four is null)
        {
            return null;
        }

        string names = string.Join(", ", wanted.Select(s => s.ToString().ToLowerInvariant()));
        Console.WriteLine($"reading {(three is not null ? "MIMIC-III" : "MIMIC-IV")} ({names}); the notes table is read once, which takes minutes on the full data");
        var corpus = three is not null
            ? Mimic3Importer.Read(three, parse.GetValue(splits)!, wanted, new Mimic3Options
            {
                Labels = parse.GetValue(labels) == "50" ? Mimic3LabelSetting.Top50 : Mimic3LabelSetting.Full,
                LabelListFile = parse.GetValue(labelList),
            })
            : Mimic4Importer.Read(four!, parse.GetValue(splits)!, wanted, new Mimic4Options
            {
                IcdVersion = parse.GetValue(icdVersion),
                MinCodeCount = parse.GetValue(minCodeCount),
                NotesFolder = parse.GetValue(mimic4Notes),
            });
        foreach (var split in wanted)
        {
            var notes = corpus[split];
            if (notes.Count == 0 || notes.All(n => n.Codes is not { Count: > 0 }))
            {
                throw new InvalidOperationException(
                    $"the {split.ToString().ToLowerInvariant()} split has {notes.Count:N0} notes and none carries a code: do --splits and {(three is not null ? "--mimic-labels/--mimic-label-list" : "--icd-version")} match the data?");
            }

            int missing = corpus.AdmissionsWithoutNote[split].Count;
            Console.WriteLine($"  {split.ToString().ToLowerInvariant()}: {notes.Count:N0} notes, {notes.SelectMany(n => n.Codes ?? []).Distinct().Count():N0} distinct codes"
                + (missing > 0 ? $"; {missing:N0} listed admissions have no discharge summary and are left out (e.g. {corpus.AdmissionsWithoutNote[split][0]})" : ""));
        }

        if (corpus.Labels is not null)
        {
            Console.WriteLine($"  codes restricted to {corpus.Labels.Count:N0} labels");
        }

        return corpus;
    }

    private void Check(CommandResult result, Command command)
    {
        bool three = result.GetValue(mimic3) is not null, four = result.GetValue(mimic4) is not null;
        if (three && four)
        {
            result.AddError("give --mimic3 or --mimic4, not both");
        }

        if (!three && !four)
        {
            foreach (var option in new Option[] { splits, mimic4Notes, labelList })
            {
                if (result.GetResult(option) is { Implicit: false })
                {
                    result.AddError($"{option.Name} is a MIMIC option: give --mimic3 <dir> or --mimic4 <dir> with it");
                }
            }

            return;
        }

        if (result.GetValue(splits) is null)
        {
            result.AddError(three
                ? "--mimic3 needs --splits <folder> holding the id lists (train_full_hadm_ids.csv, ...)"
                : "--mimic4 needs --splits <file>: the split table as CSV (e.g. pandas.read_feather('mimiciv_icd10_split.feather').to_csv('split.csv', index=False))");
        }

        var otherDataset = three ? new Option[] { mimic4Notes, icdVersion, minCodeCount } : [labels, labelList];
        foreach (var option in otherDataset)
        {
            if (result.GetResult(option) is { Implicit: false })
            {
                result.AddError($"{option.Name} is a {(three ? "MIMIC-IV" : "MIMIC-III")} option; it does not apply to {(three ? "--mimic3" : "--mimic4")}");
            }
        }

        foreach (var other in command.Options.Where(o => OtherCorpora.Contains(o.Name)))
        {
            if (result.GetResult(other) is { Implicit: false })
            {
                result.AddError($"{other.Name} and {(three ? "--mimic3" : "--mimic4")} name two corpora: give one");
            }
        }
    }
}
