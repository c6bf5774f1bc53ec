using System.IO.Compression;
using TorchSharp;

namespace PlantFunctions.Model.Serialization;

/// <summary>The named parts of the project's zip files (model files, priors files, checkpoints) and module weights as bytes.</summary>
public static class ZipParts
{
    /// <summary>Adds a part written by <paramref name="write"/>.</summary>
    public static void Write(ZipArchive zip, string name, Action<Stream> write)
    {
        using var stream = zip.CreateEntry(name, CompressionLevel.Fastest).Open();
        write(stream);
    }

    /// <summary>Reads a part; a missing part fails with "<paramref name="what"/>: 'name' is missing".</summary>
    public static T Read<T>(ZipArchive zip, string name, string what, Func<Stream, T> read)
    {
        var entry = zip.GetEntry(name) ?? throw new InvalidDataException($"{what}: '{name}' is missing");
        using var stream = entry.Open();
        return read(stream);
    }

    /// <summary>All bytes of a stream.</summary>
    public static byte[] Bytes(Stream stream)
    {
        var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>A module's weights as bytes (TorchSharp's save closes the stream it writes to).</summary>
    public static byte[] Weights(torch.nn.Module module)
    {
        var stream = new MemoryStream();
        module.save(stream);
        return stream.ToArray();
    }
}
