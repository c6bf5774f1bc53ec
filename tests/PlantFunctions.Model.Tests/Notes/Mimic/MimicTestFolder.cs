using System.IO.Compression;
using System.Text;

namespace PlantFunctions.Model.Tests.Notes.Mimic;

/// <summary>A temporary folder for generated MIMIC-shaped files (MIMIC itself is credentialed and not here).</summary>
internal sealed class MimicTestFolder : IDisposable
{
    public string Root { get; } = Directory.CreateTempSubdirectory("plant-mimic-").FullName;

    public void Dispose() => Directory.Delete(Root, recursive: true);

    /// <summary>Writes UTF-8 text to a path under the root (gzipped when the name ends in .gz) and returns the full path.</summary>
    public string Write(string relative, string content)
    {
        string path = Path.Combine(Root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        byte[] bytes = Encoding.UTF8.GetBytes(content);
        if (path.EndsWith(".gz", StringComparison.Ordinal))
        {
            using var file = File.Create(path);
            using var gzip = new GZipStream(file, CompressionLevel.Fastest);
            gzip.Write(bytes);
        }
        else
        {
            File.WriteAllBytes(path, bytes);
        }

        return path;
    }
}
