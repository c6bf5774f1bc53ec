using System.Text.Json;
using PlantFunctions.Model.Training;

namespace PlantFunctions.Testing.Fakes;

/// <summary>
/// A deterministic trainer: <see cref="FakeModelSettings.TrainSteps"/> steps through the four phases, a checkpoint
/// (the next step) saved after every step, resumed from the checkpoint when there is one. The metrics tell where it
/// resumed ("resumedAtStep") so tests can prove a resume happened.
/// </summary>
public sealed class FakeModelTrainer(FakeModelSettings settings) : IModelTrainer
{
    private static readonly TrainingPhase[] Phases = [TrainingPhase.LanguageModel, TrainingPhase.Priors, TrainingPhase.Ranker, TrainingPhase.Classifier];

    /// <inheritdoc />
    public TrainingResult Train(TrainingRequest request, ITrainingCheckpoints checkpoints, IProgress<TrainingProgress> progress, CancellationToken cancellationToken = default)
    {
        int start = checkpoints.Load() is { } saved ? JsonSerializer.Deserialize<int>(saved) : 0;
        int total = settings.TrainSteps;
        for (int step = start; step < total; step++)
        {
            if (cancellationToken.WaitHandle.WaitOne(settings.TrainStepDelay))
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            var phase = Phases[Math.Min(Phases.Length - 1, step * Phases.Length / total)];
            progress.Report(new TrainingProgress(phase, 1, 1, step + 1, total, 1.0 / (step + 1),
                new Dictionary<string, double> { ["P@5"] = (double)(step + 1) / total }, settings.TrainStepDelay * (total - step - 1)));
            checkpoints.Save(JsonSerializer.SerializeToUtf8Bytes(step + 1));
        }

        string version = $"fake-{request.Options.Seed}-{request.Train.Count}";
        var metrics = new Dictionary<string, double>
        {
            ["MAP"] = 0.5,
            ["P@5"] = 0.4,
            ["resumedAtStep"] = start,
            ["trainNotes"] = request.Train.Count,
        };
        return new TrainingResult(FakeModelFile.Create(request.ModelName, version).ToArray(), version, metrics);
    }
}
