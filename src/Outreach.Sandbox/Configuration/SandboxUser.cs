namespace Outreach.Sandbox.Configuration;

/// <summary>An Outreach user who can sign in on the authorize page; API calls with their tokens share one rate-limit bucket.</summary>
public sealed class SandboxUser
{
    /// <summary>The demo user's email, used when no user is configured.</summary>
    public const string DemoEmail = "demo.user@outreach-sandbox.test";

    /// <summary>The demo user's password; an obviously fake value.</summary>
    public const string DemoPassword = "sandbox-demo-password";

    /// <summary>Sign-in email; compared case-insensitively and used as the user's key in the admin surface.</summary>
    public string Email { get; set; } = "";

    /// <summary>Sign-in password (plain text: this is a simulator with fake users).</summary>
    public string Password { get; set; } = "";

    /// <summary>Display name shown on the sign-in result and in logs.</summary>
    public string Name { get; set; } = "";

    /// <summary>Creates the demo user.</summary>
    public static SandboxUser CreateDemo() => new()
    {
        Email = DemoEmail,
        Password = DemoPassword,
        Name = "Demo User",
    };
}
