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

    [Fact]
    public void Sequence_problems_follow_the_connected_message_encoded_and_never_on_a_failure_page()
    {
        var problems = new[] { "Audience '<Trial> & co' enrols nobody until this is fixed: sequence 1 is disabled in Outreach." };

        var (status, html) = AuthorizationPage.For(new AuthorizationCompletion.Connected("default", "prospects.write", []), problems);
        var (_, failed) = AuthorizationPage.For(new AuthorizationCompletion.CodeRefused(400, "invalid_grant"), problems);

        Assert.Equal(200, status);
        Assert.Contains("<h1>Connected</h1>", html, StringComparison.Ordinal);
        Assert.Contains("<p>Audience &#39;&lt;Trial&gt; &amp; co&#39; enrols nobody until this is fixed: sequence 1 is disabled in Outreach.</p>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("enrols nobody", failed, StringComparison.Ordinal);
    }
}
