using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Outreach.Sandbox.Configuration;

namespace Outreach.Sandbox.OAuth;

/// <summary>The configured Outreach users: finds them by email and checks their passwords.</summary>
internal sealed class UserDirectory(IOptions<SandboxOptions> options)
{
    private readonly IList<SandboxUser> _users = options.Value.Users;

    public SandboxUser? Find(string? email) =>
        string.IsNullOrWhiteSpace(email) ? null : _users.FirstOrDefault(u => string.Equals(u.Email, email.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>The user when the email and password match; otherwise null.</summary>
    public SandboxUser? SignIn(string? email, string? password)
    {
        var user = Find(email);
        return user is not null && password is not null
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(user.Password), Encoding.UTF8.GetBytes(password))
            ? user
            : null;
    }
}
