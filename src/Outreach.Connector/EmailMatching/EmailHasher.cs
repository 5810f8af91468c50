using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Outreach.Connector.EmailMatching;

/// <summary>
/// The hash that stands for a normalized email wherever the connector keeps or shows one: the cache key, the failure
/// ledger and the status page. Lower-case hex SHA-256, or HMAC-SHA256 when <see cref="EmailResolutionOptions.HashKey"/> is set.
/// </summary>
/// <remarks>
/// Unkeyed, the hash equals AEP's <c>Email_LC_SHA256</c> identity of the same address, so a marketer can find the
/// profile in AEP from a ledger entry. A plain hash of an email can be reversed by guessing addresses, though; the key
/// makes the stored hashes useless without it (at the price of that AEP lookup).
/// </remarks>
public sealed class EmailHasher
{
    private readonly byte[]? _key;

    /// <summary>Creates the hasher with the configured key, if any.</summary>
    public EmailHasher(IOptions<EmailResolutionOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var key = options.Value.HashKey;
        _key = string.IsNullOrEmpty(key) ? null : Encoding.UTF8.GetBytes(key);
    }

    private EmailHasher() => _key = null;

    /// <summary>The unkeyed hasher (plain SHA-256).</summary>
    public static EmailHasher Unkeyed { get; } = new();

    /// <summary>The hash of an address already passed through <see cref="NormalizedEmail.TryNormalize"/>: 64 lower-case hex digits.</summary>
    public string Hash(string normalizedEmail)
    {
        ArgumentException.ThrowIfNullOrEmpty(normalizedEmail);
        var bytes = Encoding.UTF8.GetBytes(normalizedEmail);
        var hash = _key is null ? SHA256.HashData(bytes) : HMACSHA256.HashData(_key, bytes);
        return Convert.ToHexStringLower(hash);
    }
}
