using System.IO.Compression;
using System.Text.Json;
using PlantFunctions.Model.Serialization;

namespace PlantFunctions.Model.Training;

/// <summary>
/// Everything a training run has finished so far, as named byte blobs in one zip (names in
/// <see cref="TrainingCheckpointParts"/>): the stage reached, vocabulary and labels, language-model weights and epoch,
/// priors, ranker weights, the classifier's epoch checkpoint and, once training is done, the model file. Saved after
/// every epoch of every stage; a resumed run skips what is done.
/// </summary>
public sealed class TrainingCheckpoint
{
    private static readonly JsonSerializerOptions Json = new() { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };
    private readonly Dictionary<string, byte[]> parts = new(StringComparer.Ordinal);

    /// <summary>Phase the run was in when this was written.</summary>
    public TrainingPhase Phase { get; set; } = TrainingPhase.Preparing;

    /// <summary>Last finished language-model epoch.</summary>
    public int LanguageModelEpoch { get; set; }

    /// <summary>A stored part, or <c>null</c>.</summary>
    public byte[]? Get(string name) => parts.GetValueOrDefault(name);

    /// <summary>Stores a part.</summary>
    public void Set(string name, byte[] value) => parts[name] = value;

    /// <summary>Stores a part written by <paramref name="write"/>.</summary>
    public void Set(string name, Action<Stream> write)
    {
        var stream = new MemoryStream();
        write(stream);
        parts[name] = stream.ToArray();
    }

    /// <summary>Stores a JSON part.</summary>
    public void SetJson<T>(string name, T value) => parts[name] = JsonSerializer.SerializeToUtf8Bytes(value, Json);

    /// <summary>Reads a JSON part.</summary>
    public T? GetJson<T>(string name) => parts.TryGetValue(name, out var bytes) ? JsonSerializer.Deserialize<T>(bytes, Json) : default;

    /// <summary>Serialises the checkpoint.</summary>
    public byte[] ToBytes()
    {
        // Sized for the parts up front: a growing stream would leave every doubling (up to twice the checkpoint, hundreds
        // of MB for the cpu preset, once per epoch) behind as large-object garbage.
        long size = parts.Values.Sum(p => (long)p.Length) + (1 << 20);
        var output = new MemoryStream((int)Math.Min(size, Array.MaxLength));
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            ZipParts.Write(zip, TrainingCheckpointParts.State, s => s.Write(JsonSerializer.SerializeToUtf8Bytes(new State(Phase, LanguageModelEpoch), Json)));
            foreach (var (name, bytes) in parts)
            {
                ZipParts.Write(zip, name, s => s.Write(bytes));
            }
        }

        return output.ToArray();
    }

    /// <summary>Reads a checkpoint written by <see cref="ToBytes"/>.</summary>
    public static TrainingCheckpoint FromBytes(byte[] bytes)
    {
        try
        {
            using var zip = new ZipArchive(new MemoryStream(bytes), ZipArchiveMode.Read);
            var checkpoint = new TrainingCheckpoint();
            foreach (var entry in zip.Entries)
            {
                using var stream = entry.Open();
                byte[] part = ZipParts.Bytes(stream);
                if (entry.FullName == TrainingCheckpointParts.State)
                {
                    var state = JsonSerializer.Deserialize<State>(part, Json)!;
                    checkpoint.Phase = state.Phase;
                    checkpoint.LanguageModelEpoch = state.LanguageModelEpoch;
                }
                else
                {
                    checkpoint.parts[entry.FullName] = part;
                }
            }

            return checkpoint;
        }
        catch (InvalidDataException ex)
        {
            throw new CorruptCheckpointException(ex.Message, ex);
        }
    }

    private sealed record State(TrainingPhase Phase, int LanguageModelEpoch);
}
