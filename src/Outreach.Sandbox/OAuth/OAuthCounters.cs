namespace Outreach.Sandbox.OAuth;

/// <summary>What the token endpoint did since start or the last reset.</summary>
/// <param name="AuthorizationCodesIssued">Codes handed out by a successful sign-in.</param>
/// <param name="AccessTokensIssued">Access tokens minted (code exchanges plus refreshes).</param>
/// <param name="Refreshes">Successful <c>refresh_token</c> grants.</param>
/// <param name="MintingRejections">Token requests refused with 429 by the minting limit.</param>
/// <param name="GrantErrors">Token requests refused with an OAuth error.</param>
public sealed record OAuthCounters(long AuthorizationCodesIssued, long AccessTokensIssued, long Refreshes, long MintingRejections, long GrantErrors);
