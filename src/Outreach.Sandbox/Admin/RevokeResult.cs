namespace Outreach.Sandbox.Admin;

/// <summary>The answer of <c>POST /admin/users/{email}/revoke</c>.</summary>
/// <param name="User">The user whose grants were revoked.</param>
/// <param name="Revoked">How many codes and tokens were revoked.</param>
public sealed record RevokeResult(string User, int Revoked);
