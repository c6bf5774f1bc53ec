namespace PlantFunctions.Model.Runtime;

/// <summary>libtorch could not be loaded; the message carries the dynamic loader's own explanation.</summary>
public sealed class TorchLoadException(string message, Exception inner) : Exception(message, inner);
