using System.Diagnostics;
using System.Runtime;

namespace PlantFunctions.Model.Training;

/// <summary>
/// One <see cref="IModelTrainer.TrainStage"/> call's hold on a run: the request's plan, the checkpoint it resumed from
/// (kept up to date in memory and saved through <see cref="Save"/>), which stages that checkpoint has finished, and the
/// progress reporter, whose last report the call returns.
/// </summary>
internal sealed class TrainingSession
{
    private readonly ITrainingCheckpoints store;
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private readonly double secondsBefore;

    internal TrainingSession(TrainingRequest request, ITrainingCheckpoints store, IProgress<TrainingProgress> progress)
    {
        this.store = store;
        Request = request;
        Plan = TrainingPlan.For(request.Options);
        byte[]? stored = store.Load();
        Resumed = stored is not null;
        Checkpoint = stored is null ? new TrainingCheckpoint() : TrainingCheckpoint.FromBytes(stored);
        CheckpointSettings.Check(Checkpoint, request.Options);
        secondsBefore = Checkpoint.GetJson<double>(TrainingCheckpointParts.Seconds);
        Report = new ProgressReporter(new SynchronousProgress<TrainingProgress>(p =>
        {
            Last = p;
            progress.Report(p);
        }), clock);
    }

    internal TrainingRequest Request { get; }

    internal TrainingOptions Options => Request.Options;

    internal TrainingPlan Plan { get; }

    internal TrainingCheckpoint Checkpoint { get; }

    /// <summary>Whether the call started from an existing checkpoint.</summary>
    internal bool Resumed { get; }

    internal ProgressReporter Report { get; }

    /// <summary>The last progress report of this call.</summary>
    internal TrainingProgress? Last { get; private set; }

    /// <summary>Seconds spent training over every call of the run, this one included.</summary>
    internal double Seconds => secondsBefore + clock.Elapsed.TotalSeconds;

    /// <summary>Epochs the stage runs (0 for a stage without epochs or switched off).</summary>
    internal int Epochs(TrainingPhase stage) => stage switch
    {
        TrainingPhase.LanguageModel => Plan.LanguageModel.Epochs,
        TrainingPhase.Ranker when Options.PlantedAttention => Plan.Ranker.Epochs,
        TrainingPhase.Classifier => Plan.Classifier.Epochs,
        _ => 0,
    };

    /// <summary>Whether the checkpoint has finished <paramref name="stage"/> (a stage the options switch off is finished from the start).</summary>
    internal bool IsDone(TrainingPhase stage) => stage switch
    {
        TrainingPhase.LanguageModel => Checkpoint.Phase > TrainingPhase.LanguageModel || Checkpoint.LanguageModelEpoch >= Plan.LanguageModel.Epochs,
        TrainingPhase.Priors => Checkpoint.Get(TrainingCheckpointParts.Priors) is not null,
        TrainingPhase.Ranker => !Options.PlantedAttention || Checkpoint.Get(TrainingCheckpointParts.Ranker) is not null,
        TrainingPhase.Classifier => Checkpoint.Get(TrainingCheckpointParts.ModelFile) is not null,
        _ => throw new ArgumentOutOfRangeException(nameof(stage), stage, "not a training stage"),
    };

    /// <summary>Saves the checkpoint (with the training time so far) in place of the previous one.</summary>
    internal void Save()
    {
        Checkpoint.SetJson(TrainingCheckpointParts.Seconds, Seconds);
        store.Save(Checkpoint.ToBytes());

        // A checkpoint is a few hundred MB of large-object-heap buffers (weights, optimizer state, the zip), garbage once
        // stored. Left to itself the GC lets them pile up over the epochs of a run (6.4 GB resident at the end of a default
        // CodiEsp run); a compacting collection here, once per epoch, returns them to the system.
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
    }
}
