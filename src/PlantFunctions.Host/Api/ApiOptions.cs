using System.Security.Cryptography;
using System.Text;

namespace PlantFunctions.Host.Api;

/// <summary>The HTTP API's settings (<c>Plant:Api</c>).</summary>
public sealed class ApiOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Plant:Api";

    /// <summary>
    /// Accepted function keys, separated by ';' (several allow rotation). A request passes one in the
    /// <c>x-functions-key</c> header or the <c>code</c> query parameter, as with Azure Functions.
    /// </summary>
    public string FunctionKeys { get; set; } = "";

    /// <summary>The keys, trimmed, empty ones dropped.</summary>
    public IReadOnlyList<string> Keys => FunctionKeys.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Whether <paramref name="key"/> is one of the keys (compared in constant time over hashes).</summary>
    public bool Accepts(string? key)
    {
        if (string.IsNullOrEmpty(key))
        {
            return false;
        }

        byte[] given = SHA256.HashData(Encoding.UTF8.GetBytes(key));
        bool match = false;
        foreach (string candidate in Keys)
        {
            match |= CryptographicOperations.FixedTimeEquals(given, SHA256.HashData(Encoding.UTF8.GetBytes(candidate)));
        }

        return match;
    }
}
