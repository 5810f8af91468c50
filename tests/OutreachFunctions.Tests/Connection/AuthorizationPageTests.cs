using Outreach.Connector.Tokens;
using OutreachFunctions.Connection;

namespace OutreachFunctions.Tests.Connection;

public sealed class AuthorizationPageTests
{
    [Fact]
    public void Code_refused_by_Outreach_is_a_400_page_saying_what_Outreach_answered_and_what_to_do()
    {
        var (status, html) = AuthorizationPage.For(new AuthorizationCompletion.CodeRefused(400, "invalid_grant"));

        Assert.Equal(400, status);
        Assert.Contains("Outreach refused the authorization code (HTTP 400, invalid_grant)", html, StringComparison.Ordinal);
        Assert.Contains("Open the Connect link again", html, StringComparison.Ordinal);
    }
}
