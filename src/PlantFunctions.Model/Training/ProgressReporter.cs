using System.Diagnostics;

namespace PlantFunctions.Model.Training;

/// <summary>
/// Turns stage events into <see cref="TrainingProgress"/> reports with a time-left estimate for the current stage
/// (elapsed time in the stage divided by the fraction done). Step reports are throttled to one per second (the first and last step of an epoch always report).
/// </summary>
internal sealed class ProgressReporter(IProgress<TrainingProgress> sink, Stopwatch clock)
{
    private TrainingPhase phase = TrainingPhase.Preparing;
    private TimeSpan phaseStart;
    private TimeSpan lastStep = TimeSpan.FromDays(-1);
    private int epoch, epochs;
    private IReadOnlyDictionary<string, double> metrics = new Dictionary<string, double>();

    internal void Phase(TrainingPhase next, int currentEpoch = 0, int totalEpochs = 0)
    {
        Enter(next, currentEpoch, totalEpochs);
        if (currentEpoch == 0)
        {
            // A pass starting from its first epoch (the classifier's refit pass follows its selection pass in one stage).
            phaseStart = clock.Elapsed;
        }

        sink.Report(new TrainingProgress(phase, epoch, epochs, 0, 0, double.NaN, metrics, null));
    }

    private void Enter(TrainingPhase next, int currentEpoch, int totalEpochs)
    {
        if (next != phase)
        {
            phase = next;
            phaseStart = clock.Elapsed;
            metrics = new Dictionary<string, double>();
        }

        epoch = currentEpoch;
        epochs = totalEpochs;
    }

    internal void Epoch(TrainingPhase stage, int finished, int total, double loss, IReadOnlyDictionary<string, double>? validation)
    {
        Enter(stage, finished, total);
        if (validation is not null)
        {
            metrics = validation;
        }

        sink.Report(new TrainingProgress(stage, finished, total, 0, 0, loss, metrics, Remaining(finished / (double)Math.Max(1, total))));
    }

    /// <summary>Reports a stage as finished: all its epochs done, nothing left.</summary>
    internal void Finished(TrainingPhase stage, int epochs, IReadOnlyDictionary<string, double>? finalMetrics = null)
    {
        Enter(stage, epochs, epochs);
        if (finalMetrics is not null)
        {
            metrics = finalMetrics;
        }

        sink.Report(new TrainingProgress(stage, epochs, epochs, 0, 0, double.NaN, metrics, TimeSpan.Zero));
    }

    internal void Step(TrainingPhase stage, int step, int steps, double loss)
    {
        if (stage != phase)
        {
            Enter(stage, 0, epochs);
        }

        if (clock.Elapsed - lastStep < TimeSpan.FromSeconds(1) && step > 1 && step < steps)
        {
            return;
        }

        lastStep = clock.Elapsed;
        int current = Math.Max(epoch + 1, 1);
        double done = (current - 1 + (step / (double)Math.Max(1, steps))) / Math.Max(1, epochs);
        sink.Report(new TrainingProgress(stage, current, epochs, step, steps, loss, metrics, Remaining(done)));
    }

    private TimeSpan? Remaining(double fraction)
    {
        if (fraction <= 0.001 || fraction >= 1)
        {
            return fraction >= 1 ? TimeSpan.Zero : null;
        }

        var elapsed = clock.Elapsed - phaseStart;
        return TimeSpan.FromSeconds(elapsed.TotalSeconds / fraction * (1 - fraction));
    }
}
