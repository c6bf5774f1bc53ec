using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace PlantFunctions.Host.Api;

/// <summary>The local host's HTTP settings (<c>Plant:Api</c>).</summary>
public sealed class ApiOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Plant:Api";

    /// <summary>
    /// Accepted function keys, separated by ';' (several allow rotation). A request passes one in the
    /// <c>x-functions-key</c> header or the <c>code</c> query parameter, as with Azure Functions.
    /// </summary>
    public string FunctionKeys { get; set; } = "";

    /// <summary>
    /// Proxies whose <c>X-Forwarded-Proto</c> and <c>X-Forwarded-Host</c> headers are believed (IP addresses or CIDR
    /// ranges, separated by ';'). Default none: from anyone else the headers are ignored, so status URLs cannot be
    /// pointed at another host by a client.
    /// </summary>
    public string TrustedProxies { get; set; } = "";

    /// <summary>The keys, trimmed, empty ones dropped.</summary>
    public IReadOnlyList<string> Keys => FunctionKeys.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The trusted proxies as addresses and networks; false with the bad entry when one does not parse.</summary>
    public bool TryParseProxies(out List<IPAddress> addresses, out List<IPNetwork> networks, out string? bad)
    {
        addresses = [];
        networks = [];
        bad = null;
        foreach (string entry in TrustedProxies.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (entry.Contains('/', StringComparison.Ordinal) && IPNetwork.TryParse(entry, out var network))
            {
                networks.Add(network);
            }
            else if (IPAddress.TryParse(entry, out var address))
            {
                addresses.Add(address);
            }
            else
            {
                bad = entry;
                return false;
            }
        }

        return true;
    }

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
