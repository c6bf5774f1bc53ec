using System.Text.Json;
using PlantFunctions.Model.Training;

namespace PlantFunctions.Testing.Fakes;

/// <summary>
/// A deterministic trainer: <see cref="FakeModelSettings.TrainSteps"/> steps spread evenly over the four stages, a
/// checkpoint (the next step, and where the last call that did work started) saved after every step, resumed from the
/// checkpoint when there is one. A <see cref="TrainStage"/> call runs only its stage's steps: in the language-model and
/// classifier stages each step stands for an epoch, so the call returns unfinished after any step but the stage's last
/// when <c>yieldAtEpochEnd</c> says so; it throws like <see cref="PlantTrainer"/> when an earlier stage is unfinished,
/// reports nothing for a stage already done (or without steps), and once the classifier stage is done returns the fake
/// model file (on every later call too, without saving). The version is the request's, else "fake-{seed}-{notes}"; the
/// metrics tell the step at which the last call that did work started ("resumedAtStep": in an uninterrupted run, the
/// classifier stage's first step) so tests can prove a resume happened, and the training notes ("trainNotes").
/// </summary>
public sealed class FakeModelTrainer(FakeModelSettings settings) : IModelTrainer
{
    /// <inheritdoc />
    public TrainingResult Train(TrainingRequest request, ITrainingCheckpoints checkpoints, IProgress<TrainingProgress> progress, CancellationToken cancellationToken = default) =>
        TrainingStages.RunAll(this, request, checkpoints, progress, cancellationToken);

    /// <inheritdoc />
    public TrainingStageOutcome TrainStage(TrainingRequest request, TrainingPhase stage, ITrainingCheckpoints checkpoints,
        IProgress<TrainingProgress> progress, Func<bool>? yieldAtEpochEnd = null, CancellationToken cancellationToken = default)
    {
        int index = TrainingStages.All.ToList().IndexOf(stage);
        if (index < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(stage), stage, $"a training stage is one of {string.Join(", ", TrainingStages.All)}");
        }

        var saved = checkpoints.Load() is { } bytes ? JsonSerializer.Deserialize<Checkpoint>(bytes)! : null;
        int total = settings.TrainSteps;
        int next = saved?.Step ?? 0, resumedAt = saved?.ResumedAtStep ?? 0;
        if (next < FirstStep(index, total))
        {
            var missing = TrainingStages.All[Enumerable.Range(0, index).First(i => next < FirstStep(i + 1, total))];
            throw new InvalidOperationException($"training stage {stage} cannot run yet: the {missing} stage must run (and finish) first");
        }

        TrainingProgress? last = null;
        int end = FirstStep(index + 1, total);
        if (next < end)
        {
            resumedAt = next;
        }

        for (int step = next; step < end; step++)
        {
            if (cancellationToken.WaitHandle.WaitOne(stage == TrainingPhase.LanguageModel ? settings.LanguageModelStepDelay ?? settings.TrainStepDelay : settings.TrainStepDelay))
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            last = new TrainingProgress(stage, 1, 1, step + 1, total, 1.0 / (step + 1),
                new Dictionary<string, double> { ["P@5"] = (double)(step + 1) / total }, settings.TrainStepDelay * (total - step - 1));
            progress.Report(last);
            checkpoints.Save(JsonSerializer.SerializeToUtf8Bytes(new Checkpoint(step + 1, resumedAt)));
            settings.SavedSteps?.Enqueue(step + 1);
            if (stage == TrainingPhase.Classifier && step + 1 < end)
            {
                settings.HoldIfAsked(cancellationToken);
            }

            if (step + 1 < end && stage is TrainingPhase.LanguageModel or TrainingPhase.Classifier && yieldAtEpochEnd?.Invoke() == true)
            {
                return new TrainingStageOutcome(stage, false, last, saved is not null, null);
            }
        }

        var result = stage == TrainingPhase.Classifier ? Result(request, resumedAt) : null;
        return new TrainingStageOutcome(stage, true, last, saved is not null, result);
    }

    /// <summary>The first step of the stage at <paramref name="index"/> (the step count for index 4): step s belongs to stage s * 4 / total.</summary>
    private static int FirstStep(int index, int total) => ((index * total) + TrainingStages.All.Count - 1) / TrainingStages.All.Count;

    private static TrainingResult Result(TrainingRequest request, int resumedAt)
    {
        string version = request.Version ?? $"fake-{request.Options.Seed}-{request.Train.Count}";
        var metrics = new Dictionary<string, double>
        {
            ["MAP"] = 0.5,
            ["P@5"] = 0.4,
            ["resumedAtStep"] = resumedAt,
            ["trainNotes"] = request.Train.Count,
        };
        return new TrainingResult(FakeModelFile.Create(request.ModelName, version, request.Train.Count).ToArray(), version, metrics);
    }

    /// <summary>The next step to run, and where the last call that did work started.</summary>
    private sealed record Checkpoint(int Step, int ResumedAtStep);
}
