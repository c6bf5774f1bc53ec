namespace PlantFunctions.Model.Training;

/// <summary>The stages of a PLANT training run, in order.</summary>
public enum TrainingPhase
{
    /// <summary>Preparing vocabulary and label set.</summary>
    Preparing,

    /// <summary>Fine-tuning the AWD-LSTM language model.</summary>
    LanguageModel,

    /// <summary>Computing mutual-information priors.</summary>
    Priors,

    /// <summary>Training the learning-to-rank model.</summary>
    Ranker,

    /// <summary>Training the classifier (decoder and, when unfrozen, the encoder).</summary>
    Classifier,

    /// <summary>Finished: the model file is ready.</summary>
    Done,
}
