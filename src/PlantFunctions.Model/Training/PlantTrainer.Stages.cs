using PlantFunctions.Model.Networks;
using PlantFunctions.Model.Priors;
using PlantFunctions.Model.Ranking;
using PlantFunctions.Model.Serialization;
using PlantFunctions.Model.Text;

namespace PlantFunctions.Model.Training;

/// <summary>The language-model, priors and ranker stages.</summary>
public sealed partial class PlantTrainer
{
    /// <summary>Fine-tunes the encoder as a language model on the coded and unlabelled notes; returns whether all epochs are done.</summary>
    private bool TrainLanguageModel(TrainingSession session, TrainingData data, Func<bool>? yieldAtEpochEnd, CancellationToken cancellationToken)
    {
        var (plan, checkpoint, report) = (session.Plan, session.Checkpoint, session.Report);
        using var model = CreateModel(session, data, out var languageModel);
        checkpoint.Phase = TrainingPhase.LanguageModel;
        var corpus = data.Coded.Concat(session.Request.Unlabelled ?? []).Select(n => data.Vocabulary.Encode(n.Text)).Where(ids => ids.Length > 0).ToList();
        var trainer = new LanguageModelTrainer(plan.LanguageModel, plan.Network, device);
        report.Phase(TrainingPhase.LanguageModel, checkpoint.LanguageModelEpoch, plan.LanguageModel.Epochs);
        trainer.Train(languageModel, corpus, checkpoint.LanguageModelEpoch + 1, checkpoint.Get(TrainingCheckpointParts.LanguageModelOptimizer),
            epochDone: (e, optimizerState) =>
            {
                checkpoint.LanguageModelEpoch = e.Epoch;
                checkpoint.Set(TrainingCheckpointParts.LanguageModel, ZipParts.Weights(languageModel));
                checkpoint.Set(TrainingCheckpointParts.LanguageModelOptimizer, optimizerState);
                checkpoint.SetJson(TrainingCheckpointParts.LanguageModelEpoch(e.Epoch), e);
                session.Save();
                report.Epoch(TrainingPhase.LanguageModel, e.Epoch, plan.LanguageModel.Epochs, e.TrainLoss,
                    new Dictionary<string, double> { ["perplexity"] = e.ValidationPerplexity, ["tokensPerSecond"] = e.TokensPerSecond });
            },
            stepDone: (step, steps, loss) => report.Step(TrainingPhase.LanguageModel, step, steps, loss),
            yieldAtEpochEnd: yieldAtEpochEnd,
            cancellationToken: cancellationToken);
        return session.IsDone(TrainingPhase.LanguageModel);
    }

    /// <summary>Mutual information between tokens and codes on the training notes; always finishes.</summary>
    private static bool ComputePriors(TrainingSession session, TrainingData data)
    {
        session.Checkpoint.Phase = TrainingPhase.Priors;
        session.Report.Phase(TrainingPhase.Priors);
        var priors = PriorComputation.Compute(data.Presence(), data.Vocabulary, data.Labels, session.Plan.Priors, data.Families());
        session.Checkpoint.Set(TrainingCheckpointParts.Priors, priors.Save);
        session.Save();
        return true;
    }

    /// <summary>
    /// Learning to rank: token embeddings from the language model, code embeddings from the descriptions, LambdaRank
    /// on the MI relevance; always finishes (the stage is short and checkpointed at its end).
    /// </summary>
    private bool TrainRanker(TrainingSession session, TrainingData data, CancellationToken cancellationToken)
    {
        var (plan, checkpoint, report) = (session.Plan, session.Checkpoint, session.Report);
        using var model = CreateModel(session, data, out _);
        var priors = RelevancePriors.Load(new MemoryStream(checkpoint.Get(TrainingCheckpointParts.Priors)!));
        var presence = data.Presence();
        int[] codeNotes = CodeNotes(presence, data);
        checkpoint.Phase = TrainingPhase.Ranker;
        report.Phase(TrainingPhase.Ranker, 0, plan.Ranker.Epochs);
        var ranker = model.Decoder.Ranker;
        ranker.InitialiseTokens(model.Encoder.Embedding.weight!.detach());
        ranker.InitialiseCodesFromDescriptions([.. data.Labels.Descriptions.Select(d => data.Vocabulary.Encode(d).Where(id => id >= Vocabulary.Reserved.Count).ToArray())]);
        double rankerLoss = double.NaN;
        var rankerReport = new RankerTrainer(plan.Ranker).Train(ranker, priors, presence.TokenDocumentFrequency, codeNotes,
            new SynchronousProgress<(int Epoch, int Epochs, double Loss)>(e =>
            {
                rankerLoss = e.Loss;
                report.Epoch(TrainingPhase.Ranker, e.Epoch, e.Epochs, e.Loss, null);
            }),
            cancellationToken);
        report.Epoch(TrainingPhase.Ranker, plan.Ranker.Epochs, plan.Ranker.Epochs, rankerLoss, new Dictionary<string, double>
        {
            [$"heldOutNDCG@{rankerReport.K}"] = rankerReport.HeldOutAfter,
            ["untrained"] = rankerReport.HeldOutBefore,
            ["rareCodes"] = rankerReport.RareHeldOutAfter,
        });
        checkpoint.SetJson(TrainingCheckpointParts.RankerReport, rankerReport);
        checkpoint.Set(TrainingCheckpointParts.Ranker, ZipParts.Weights(ranker));
        checkpoint.Phase = TrainingPhase.Classifier;
        session.Save();
        return true;
    }

    /// <summary>Training notes per code, in label order.</summary>
    private static int[] CodeNotes(PresenceCorpus presence, TrainingData data) =>
        [.. Enumerable.Range(0, data.Labels.Count).Select(c => presence.DocumentsOf(c).Length)];
}
