namespace PlantFunctions.Model.Training;

/// <summary>One-cycle learning-rate schedule: cosine warm-up from max/25 to max over the first 25% of steps, then
/// cosine annealing to max/25,000 (after fastai's fit_one_cycle, which ends at max/100,000 and also cycles momentum;
/// momentum stays fixed here).</summary>
public sealed record OneCycleSchedule(double MaxRate, long TotalSteps, double WarmupFraction = 0.25)
{
    /// <summary>The factor (0..1] of each group's peak rate at a step.</summary>
    public double Factor(long step)
    {
        long warmup = Math.Max(1, (long)(TotalSteps * WarmupFraction));
        double start = 1.0 / 25, end = 1.0 / 25_000;
        if (step < warmup)
        {
            return Cosine(start, 1, step / (double)warmup);
        }

        return Cosine(1, end, Math.Min(1, (step - warmup) / (double)Math.Max(1, TotalSteps - warmup)));
    }

    /// <summary>The learning rate at a step.</summary>
    public double Rate(long step) => MaxRate * Factor(step);

    private static double Cosine(double from, double to, double progress) =>
        to + ((from - to) * (1 + Math.Cos(Math.PI * progress)) / 2);
}
