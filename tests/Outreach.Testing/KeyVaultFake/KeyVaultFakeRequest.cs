namespace Outreach.Testing.KeyVaultFake;

/// <summary>One request the Key Vault fake received (no bodies, no token values).</summary>
/// <param name="Method">The HTTP method.</param>
/// <param name="Path">The path, e.g. <c>/secrets/outreach-connection-default</c>.</param>
/// <param name="ApiVersion">The <c>api-version</c> query value.</param>
/// <param name="Authorization">How the request was authorized.</param>
/// <param name="StatusCode">The status the fake answered.</param>
public sealed record KeyVaultFakeRequest(string Method, string Path, string? ApiVersion, KeyVaultFakeAuthorization Authorization, int StatusCode);

/// <summary>What a request to the Key Vault fake carried in its <c>Authorization</c> header.</summary>
public enum KeyVaultFakeAuthorization
{
    /// <summary>No header: the fake answered with the bearer challenge.</summary>
    None = 0,

    /// <summary>A bearer token the fake does not accept: 401.</summary>
    Rejected = 1,

    /// <summary>The accepted bearer token.</summary>
    Accepted = 2,
}
