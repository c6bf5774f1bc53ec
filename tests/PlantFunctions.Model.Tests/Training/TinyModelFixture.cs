using PlantFunctions.Model.Training;

namespace PlantFunctions.Model.Tests.Training;

/// <summary>One tiny PLANT model trained on the synthetic corpus, shared by the artifact and coder tests.</summary>
public sealed class TinyModelFixture
{
    public TinyModelFixture()
    {
        Progress = [];
        Result = new PlantTrainer().Train(TinyTraining.Request(), new TinyTraining.MemoryCheckpoints(), new SyncProgress(Progress.Add));
    }

    /// <summary>The trained model file and its metrics.</summary>
    public TrainingResult Result { get; }

    /// <summary>Every progress report of the run.</summary>
    public List<TrainingProgress> Progress { get; }

    /// <summary>Reports synchronously on the calling thread (Progress&lt;T&gt; would post to the thread pool).</summary>
    internal sealed class SyncProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
