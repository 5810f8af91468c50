using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace OutreachFunctions.Standalone;

/// <summary>Checks the <c>Authorization: Bearer</c> header of an ingest request against the configured secret.</summary>
public sealed class BearerSecretCheck(IOptions<IngestAuthenticationOptions> options)
{
    // Hashing both sides first makes the comparison constant-time in the secret's length as well as its content.
    private readonly byte[] _expectedHash = SHA256.HashData(Encoding.UTF8.GetBytes(options.Value.BearerSecret));

    /// <summary>True when the header carries exactly the configured secret.</summary>
    public bool IsAuthorized(string? authorizationHeader)
    {
        const string scheme = "Bearer ";
        if (authorizationHeader is null || !authorizationHeader.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(authorizationHeader[scheme.Length..].Trim()));
        return CryptographicOperations.FixedTimeEquals(presented, _expectedHash);
    }
}
