using System.CommandLine;
using PlantFunctions.Model.Labels;
using PlantFunctions.Model.Networks;
using PlantFunctions.Model.Notes;
using PlantFunctions.Model.Priors;
using PlantFunctions.Model.Ranking;
using PlantFunctions.Model.Runtime;
using PlantFunctions.Model.Training;

namespace PlantFunctions.Cli.Commands;

/// <summary><c>plant train</c>: the whole PLANT pipeline from coded notes to a model file, resumable.</summary>
internal static class TrainCommand
{
    /// <summary>The language-model stage of a checkpoint (vocabulary, weights, optimizer state), nothing after it.</summary>
    private static TrainingCheckpoint LanguageModelOnly(TrainingCheckpoint source)
    {
        var copy = new TrainingCheckpoint { Phase = TrainingPhase.LanguageModel, LanguageModelEpoch = source.LanguageModelEpoch };
        foreach (string part in new[] { TrainingCheckpointParts.Vocabulary, TrainingCheckpointParts.LanguageModel, TrainingCheckpointParts.LanguageModelOptimizer })
        {
            if (source.Get(part) is { } bytes)
            {
                copy.Set(part, bytes);
            }
        }

        return copy.Get(TrainingCheckpointParts.LanguageModel) is null
            ? throw new CommandInputException("--lm-from: that checkpoint has no finished language-model epoch")
            : copy;
    }

    /// <summary>The checkpoint at <paramref name="path"/>, or an error naming the option and the file.</summary>
    private static TrainingCheckpoint ReadCheckpoint(string path, string option)
    {
        try
        {
            return TrainingCheckpoint.FromBytes(File.ReadAllBytes(path));
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException)
        {
            throw new CommandInputException($"{option} '{path}': {ex.Message}", ex);
        }
    }

    internal static Command Create()
    {
        var codiesp = new Option<string?>("--codiesp") { Description = "CodiEsp root: trains on 'train' (validation split off it); default: the bundled sample" };
        var labels = new Option<CodiEspLabels>("--labels") { Description = "CodiEsp label set", DefaultValueFactory = _ => CodiEspLabels.Diagnoses };
        var notes = new Option<string?>("--notes") { Description = "Coded notes (.jsonl, .csv, folder) instead of CodiEsp" };
        var validation = new Option<string?>("--validation") { Description = "Coded validation notes (default: 10% of the training notes)" };
        var unlabelled = new Option<string?>("--unlabelled") { Description = "Extra notes for the language model (default: CodiEsp background when present)" };
        var descriptions = new Option<string[]>("--descriptions") { Description = "ICD description tables (TSV code/description or the category CSV, plain or .gz); default: the bundled ICD-10-CM code table and CodiEsp's X-placeholder aliases (ICD-9-CM for MIMIC-III)", AllowMultipleArgumentsPerToken = true };
        var output = new Option<string>("--out") { Description = "Model file to write", DefaultValueFactory = _ => "model.plant" };
        var checkpoint = new Option<string?>("--checkpoint") { Description = "Checkpoint file (default: <out>.ckpt); an existing one is resumed" };
        var device = new Option<string>("--device") { Description = "cpu, cuda or auto", DefaultValueFactory = _ => "auto" };
        var preset = new Option<string>("--preset") { Description = "tiny, cpu or paper", DefaultValueFactory = _ => "cpu" };
        var lmEpochs = new Option<int>("--lm-epochs") { Description = "Language-model epochs", DefaultValueFactory = _ => new TrainingOptions().LanguageModelEpochs };
        var rankerEpochs = new Option<int>("--ranker-epochs") { Description = "Ranker epochs", DefaultValueFactory = _ => new TrainingOptions().RankerEpochs };
        var epochs = new Option<int>("--epochs") { Description = "Classifier epochs (early stopping may end sooner)", DefaultValueFactory = _ => new TrainingOptions().ClassifierEpochs };
        var seed = new Option<int>("--seed") { Description = "Seed", DefaultValueFactory = _ => 42 };
        var rate = new Option<double?>("--lr") { Description = "Peak learning rate of the classifier's decoder (default 3e-3)" };
        var lmFrom = new Option<string?>("--lm-from") { Description = "Start from the language model of another run's checkpoint (same data and seed), e.g. to run ablations on one LM" };
        var measure = new Option<RelevanceMeasure>("--measure") { Description = "Relevance measure of the priors: Gain (I(T;L)) or Normalized (I / (H_T + H_L - I))", DefaultValueFactory = _ => RelevanceMeasure.Gain };
        var noStatic = new Option<bool>("--no-static") { Description = "Ablation: no static planted attention S" };
        var noPlanted = new Option<bool>("--no-planted") { Description = "Ablation: no differentiable planted attention P" };
        var laat = new Option<bool>("--laat") { Description = "Ablation: LAAT-only (no S, no P)" };
        var inattention = new Option<bool>("--inattention") { Description = "The paper's inattention: P's softmax over each code's top-k ranker scores only (off by default: it lost on CodiEsp's short notes; the paper used it on MIMIC)" };
        var noInattention = new Option<bool>("--no-inattention") { Description = "Softmax over all tokens for P (the default)" };
        var stateless = new Option<bool>("--stateless") { Description = "Ablation: reset the LSTM state at every chunk" };
        var noDiscriminative = new Option<bool>("--no-discriminative") { Description = "Ablation: one learning rate for all groups" };
        var gradualUnfreeze = new Option<bool>("--gradual-unfreeze") { Description = "The paper's gradual unfreezing: one more group trains each epoch, from the top (off by default: training every group from the first epoch led on CodiEsp validation on 3 of 3 seeds)" };
        var fullUnfreeze = new Option<bool>("--full-unfreeze") { Description = "Train every group from the first epoch (the default)" };
        var noStaticTerm = new Option<bool>("--no-static-term") { Description = "The paper's eq. 8 exactly: no static-mass term (our per-code weight on the share of a code's MI mass in the note)" };
        var staticTermInit = new Option<double?>("--static-term-init") { Description = "Initial static-mass weight in logits at the mean MI mass (default 8)" };
        var staticTermRate = new Option<double?>("--static-term-lr-factor") { Description = "The static-mass term's learning rate relative to the decoder's (default 10)" };
        var inattentionK = new Option<int?>("--inattention-k") { Description = "Turns inattention on with this many tokens per code kept for P (--inattention alone: the preset's, 30)" };
        var staticTokens = new Option<int?>("--static-tokens") { Description = "Tokens per code in S (default: the preset's, 5)" };
        var gradientWindow = new Option<int?>("--gradient-window") { Description = "Only a note's last this-many tokens get gradients (default: the preset's, 1,440)" };
        var ranker = new Option<RankerKind?>("--ranker") { Description = "Ranker scorer: Dot or FeedForward (the paper's); default: the preset's (Dot)" };
        var embedding = new Option<int?>("--embedding-size") { Description = "Embedding width (default: the preset's)" };
        var hidden = new Option<int?>("--hidden-size") { Description = "LSTM hidden width (default: the preset's)" };
        var layers = new Option<int?>("--layers") { Description = "LSTM layers (default: the preset's)" };
        var categorySharing = new Option<bool>("--category-sharing") { Description = "Codes of one ICD category (the part before the dot) share a learnt row of the attention query and output weights, added to their own" };
        var staticGlobal = new Option<bool>("--static-global") { Description = "S from each code's globally strongest MI tokens wherever they occur, instead of the note's own strongest among the code's stored ones (the default, the authors' form)" };
        var noNoteStart = new Option<bool>("--no-note-start") { Description = "Do not start each note with the <bos> token the language model saw before every note" };
        var attentionWindow = new Option<int?>("--attention-window") { Description = "Ablation 'truncated': attend over only the last N tokens (the authors' code: 2880); the LSTM still reads the whole note" };
        var noRefit = new Option<bool>("--no-refit") { Description = "Ship the selection pass's model (trained without the validation split) instead of the default refit, which trains again on every training note for the epochs selection kept and writes the selection pass's model beside its own as <out>.selection.plant" };
        var labelSpace = new Option<string>("--label-space") { Description = "Codes the model ranks: train (the training codes), categories (also every code of the descriptions table in a training code's ICD category), categories-no-7th (the same without 7-character codes), billable (every leaf code of the descriptions table: the whole ICD-10-CM), or a file of codes; codes no training note carries are scored from their descriptions and families", DefaultValueFactory = _ => new TrainingOptions().LabelSpace };
        var unseenOffset = new Option<double?>("--unseen-offset") { Description = $"Bias of a code the label space adds, in logits, relative to the trained codes seen least often (default {TrainingOptions.DefaultUnseenCodeOffset.ToString(System.Globalization.CultureInfo.InvariantCulture)})" };
        var borrow = new Option<bool>("--borrow") { Description = "Codes borrow MI counts from their description (the default)" };
        var noBorrow = new Option<bool>("--no-borrow") { Description = "Only codes without notes borrow MI counts from their description and family; the others count their own notes alone (the default until 2026-12-07)" };
        var familyWeight = new Option<double?>("--family-weight") { Description = "Borrowing: weight of a note of the code's ICD category as a fractional note of the code (default 0: chosen by cross-validation)" };
        var descriptionWeight = new Option<double?>("--description-weight") { Description = "Borrowing: weight of the code's description as a pseudo-note (default 3)" };
        var borrowHalfCount = new Option<double?>("--borrow-half-count") { Description = "Borrowing: a code seen k times borrows half as much of its family as one never seen (default 2)" };
        var plantedQueries = new Option<bool>("--planted-queries") { Description = "Start each code's attention query U and output weights W from its MI tokens' tied embeddings instead of at random" };
        var paperInattention = new Option<bool>("--paper-inattention") { Description = "Inattention in the paper's form: scores up to the k-th set to 0 before P's softmax, instead of dropped (needs --inattention or --inattention-k)" };
        var assertionTerm = new Option<bool>("--assertion-term") { Description = "Add to each code's logit learnt weights times the share of its attention on negated, possible, historical and family mentions" };
        var name = new Option<string>("--name") { Description = "Model name", DefaultValueFactory = _ => "codiesp-dx" };
        var command = new Command("train", "Train a PLANT model (LM, priors, ranker, classifier) and write a model file")
        {
            codiesp, labels, notes, validation, unlabelled, descriptions, output, checkpoint, device, preset, lmEpochs, rankerEpochs, epochs, seed, rate, lmFrom,
            measure, noStatic, noPlanted, laat, inattention, noInattention, stateless, noDiscriminative, gradualUnfreeze, fullUnfreeze, noStaticTerm, staticTermInit, staticTermRate,
            inattentionK, staticTokens, gradientWindow, ranker, embedding, hidden, layers, staticGlobal, categorySharing, noNoteStart, attentionWindow, noRefit,
            labelSpace, unseenOffset, borrow, noBorrow, familyWeight, descriptionWeight, borrowHalfCount, plantedQueries, paperInattention, assertionTerm, name,
        };
        foreach (var positive in new[] { inattentionK, staticTokens, gradientWindow, embedding, hidden, layers, attentionWindow })
        {
            positive.Validators.Add(result =>
            {
                if (result.GetValueOrDefault<int?>() is < 1)
                {
                    result.AddError($"{result.Option.Name} must be at least 1");
                }
            });
        }

        preset.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string>() is { } name && !NetworkConfig.PresetNames.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                result.AddError($"--preset '{name}' is not one of {string.Join(", ", NetworkConfig.PresetNames)}");
            }
        });
        foreach (var (finite, zeroAllowed) in new[] { (rate, false), (staticTermInit, true), (staticTermRate, true), (familyWeight, true), (descriptionWeight, true), (borrowHalfCount, false) })
        {
            finite.Validators.Add(result =>
            {
                if (result.GetValueOrDefault<double?>() is { } value && !(double.IsFinite(value) && (value > 0 || (zeroAllowed && value == 0))))
                {
                    result.AddError($"{result.Option.Name} must be a finite number {(zeroAllowed ? "of 0 or more" : "above 0")}, not {value.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
                }
            });
        }

        command.Validators.Add(result =>
        {
            if (result.GetValue(noInattention) && (result.GetValue(inattention) || result.GetValue(inattentionK) is not null))
            {
                result.AddError("--no-inattention contradicts --inattention and --inattention-k (which turns inattention on): give one");
            }

            if (result.GetValue(fullUnfreeze) && result.GetValue(gradualUnfreeze))
            {
                result.AddError("--full-unfreeze contradicts --gradual-unfreeze: give one");
            }

            if (result.GetValue(borrow) && result.GetValue(noBorrow))
            {
                result.AddError("--borrow contradicts --no-borrow: give one");
            }

            if (result.GetValue(paperInattention) && !result.GetValue(inattention) && result.GetValue(inattentionK) is null)
            {
                result.AddError("--paper-inattention is a form of inattention: give --inattention or --inattention-k with it");
            }

            if (result.GetValue(unseenOffset) is { } offset && !double.IsFinite(offset))
            {
                result.AddError("--unseen-offset must be a finite number");
            }
        });

        var mimic = MimicArguments.AddTo(command);
        command.SetAction((parse, cancellationToken) =>
        {
            var options = new TrainingOptions
            {
                Preset = parse.GetValue(preset)!,
                LanguageModelEpochs = parse.GetValue(lmEpochs),
                RankerEpochs = parse.GetValue(rankerEpochs),
                ClassifierEpochs = parse.GetValue(epochs),
                Seed = parse.GetValue(seed),
                StaticAttention = !parse.GetValue(noStatic) && !parse.GetValue(laat),
                PlantedAttention = !parse.GetValue(noPlanted) && !parse.GetValue(laat),
                Inattention = parse.GetValue(inattention) || parse.GetValue(inattentionK) is not null,
                Stateful = !parse.GetValue(stateless),
                DiscriminativeLearningRates = !parse.GetValue(noDiscriminative),
                GradualUnfreezing = parse.GetValue(gradualUnfreeze),
                ClassifierLearningRate = parse.GetValue(rate),
                RelevanceMeasure = parse.GetValue(measure),
                StaticMassTerm = !parse.GetValue(noStaticTerm),
                StaticTermInit = parse.GetValue(staticTermInit),
                StaticTermRateFactor = parse.GetValue(staticTermRate),
                InattentionK = parse.GetValue(inattentionK),
                StaticTopTokens = parse.GetValue(staticTokens),
                GradientWindow = parse.GetValue(gradientWindow),
                Ranker = parse.GetValue(ranker),
                EmbeddingSize = parse.GetValue(embedding),
                HiddenSize = parse.GetValue(hidden),
                Layers = parse.GetValue(layers),
                StaticPerNote = !parse.GetValue(staticGlobal),
                CategorySharing = parse.GetValue(categorySharing),
                NoteStartToken = !parse.GetValue(noNoteStart),
                AttentionWindow = parse.GetValue(attentionWindow),
                Refit = !parse.GetValue(noRefit),
                LabelSpace = parse.GetValue(labelSpace)!,
                UnseenCodeOffset = parse.GetValue(unseenOffset),
                BorrowForSeenCodes = !parse.GetValue(noBorrow),
                FamilyWeight = parse.GetValue(familyWeight),
                DescriptionWeight = parse.GetValue(descriptionWeight),
                BorrowHalfCount = parse.GetValue(borrowHalfCount),
                PlantedQueries = parse.GetValue(plantedQueries),
                PaperInattention = parse.GetValue(paperInattention),
                AssertionTerm = parse.GetValue(assertionTerm),
            };
            var mimicData = mimic.Training(parse);
            var data = mimicData?.Train ?? CorpusArguments.Load(parse.GetValue(codiesp), parse.GetValue(notes), parse.GetValue(labels), "train");
            var validationNotes = parse.GetValue(validation) is { } v ? NoteReader.Read(v).Select(r => r.Note!).ToList() : mimicData?.Validation.ToList();
            var extra = CorpusArguments.Unlabelled(parse.GetValue(unlabelled), parse.GetValue(codiesp));
            var tables = parse.GetValue(descriptions) is { Length: > 0 } files ? files : SampleData.Icd10CmTables;
            var request = new TrainingRequest(parse.GetValue(name)!, data, validationNotes, extra, MimicArguments.DescriptionsFor(mimicData, parse.GetValue(descriptions), tables), options);
            try
            {
                new Model.LabelSpaces.LabelSpace(options.LabelSpace).Validate(request.Descriptions, options.CategorySharing);
            }
            catch (ArgumentException ex)
            {
                throw new CommandInputException($"--label-space: {ex.Message}", ex);
            }

            string outputPath = parse.GetValue(output)!;
            string checkpointPath = parse.GetValue(checkpoint) ?? outputPath + ".ckpt";
            var checkpoints = new FileCheckpoints(checkpointPath);
            if (parse.GetValue(lmFrom) is { } source && checkpoints.Load() is null)
            {
                // The run's settings go in with the language model, so that a resume before the first save is checked too.
                var seeded = LanguageModelOnly(ReadCheckpoint(source, "--lm-from"));
                CheckpointSettings.Check(seeded, options);
                checkpoints.Save(seeded.ToBytes());
            }

            Console.WriteLine($"training on {data.Count:N0} notes ({validationNotes?.Count.ToString() ?? "10% split off for"} validation), {extra?.Count ?? 0:N0} unlabelled notes, preset {options.Preset}");
            var trainer = new PlantTrainer(TorchDevices.Resolve(parse.GetValue(device), ConsoleNotices.Instance), TimeProvider.System);
            TrainingResult result;
            try
            {
                result = trainer.Train(request, checkpoints, new ConsoleTrainingProgress(), cancellationToken);
            }
            catch (Exception ex) when (ex is TrainingSettingsMismatchException or CorruptCheckpointException)
            {
                throw new CommandInputException($"checkpoint '{checkpointPath}': {ex.Message}", ex);
            }

            File.WriteAllBytes(outputPath, result.ModelFile);
            Console.WriteLine();
            Console.WriteLine($"wrote {outputPath} (version {result.Version}); validation: {string.Join(", ", result.Metrics.Where(m => m.Key is "MAP" or "P@5" or "P@8" or "microF1" or "macroF1" or "bestEpoch").Select(m => $"{m.Key} {m.Value:F3}"))}");
            if (checkpoints.Load() is { } stored && TrainingCheckpoint.FromBytes(stored).Get(TrainingCheckpointParts.SelectionModelFile) is { } selection)
            {
                string selectionPath = Path.ChangeExtension(outputPath, ".selection.plant");
                File.WriteAllBytes(selectionPath, selection);
                Console.WriteLine($"wrote {selectionPath}: the model of the selection pass, before the refit on all {result.Metrics["refitNotes"]:N0} notes");
            }

            return Task.FromResult(0);
        });
        return command;
    }
}
