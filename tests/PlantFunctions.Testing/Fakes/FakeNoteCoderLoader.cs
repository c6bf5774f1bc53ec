using System.Text.Json;
using PlantFunctions.Model.Coding;

namespace PlantFunctions.Testing.Fakes;

/// <summary>Loads <see cref="FakeModelFile"/>s as <see cref="FakeNoteCoder"/>s and counts the loads (the service must cache them).</summary>
public sealed class FakeNoteCoderLoader(FakeModelSettings settings) : INoteCoderLoader
{
    private int loads;

    /// <summary>How many times <see cref="Load"/> ran.</summary>
    public int Loads => Volatile.Read(ref loads);

    /// <summary>The coders loaded so far.</summary>
    public List<FakeNoteCoder> Coders { get; } = [];

    /// <inheritdoc />
    public INoteCoder Load(Stream modelFile)
    {
        Interlocked.Increment(ref loads);
        FakeModelFile? file;
        try
        {
            file = JsonSerializer.Deserialize<FakeModelFile>(modelFile, JsonSerializerOptions.Web);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"not a fake model file: {ex.Message}", ex);
        }

        if (file is not { Kind: "fake" })
        {
            throw new InvalidDataException("not a fake model file");
        }

        var coder = new FakeNoteCoder(new CoderInfo(file.Name, file.Version, 7, "fake"), settings);
        lock (Coders)
        {
            Coders.Add(coder);
        }

        return coder;
    }
}
