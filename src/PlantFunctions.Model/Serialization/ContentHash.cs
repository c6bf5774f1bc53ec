using System.Security.Cryptography;
using System.Text;

namespace PlantFunctions.Model.Serialization;

/// <summary>Stable content hashes for the lists a model file must match (vocabulary tokens, label codes).</summary>
public static class ContentHash
{
    /// <summary>SHA-256 (lower-case hex) of the items, each followed by a newline, UTF-8 encoded.</summary>
    public static string OfLines(IEnumerable<string> items)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (string item in items)
        {
            sha.AppendData(Encoding.UTF8.GetBytes(item));
            sha.AppendData("\n"u8);
        }

        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
