using Microsoft.Extensions.Options;
using Outreach.Connector.EmailMatching;

namespace Outreach.Connector.Tests.EmailMatching;

public sealed class EmailPrivacyTests
{
    [Theory]
    [InlineData("  Ada.Lovelace@Example.COM ", "ada.lovelace@example.com")]
    [InlineData("a@b", "a@b")]
    [InlineData("first+tag@sub.example.org", "first+tag@sub.example.org")]
    public void Emails_are_trimmed_and_lower_cased(string raw, string expected)
    {
        Assert.True(NormalizedEmail.TryNormalize(raw, out var normalized, out _));
        Assert.Equal(expected, normalized);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("ada")]
    [InlineData("@example.com")]
    [InlineData("ada@")]
    [InlineData("ada@@example.com")]
    [InlineData("a@b@example.com")]
    [InlineData("ada lovelace@example.com")]
    [InlineData("Ada <ada@example.com>")]
    [InlineData("ada@example.com, bob@example.com")]
    [InlineData("ada@example..com")]
    [InlineData("ada@.example.com")]
    public void Text_that_cannot_be_an_address_is_refused_without_repeating_it(string raw)
    {
        Assert.False(NormalizedEmail.TryNormalize(raw, out _, out var problem));
        Assert.NotEmpty(problem);
        if (raw.Trim().Length > 0)
        {
            Assert.DoesNotContain(raw.Trim(), problem, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public void Overlong_address_is_refused()
    {
        var raw = new string('a', 60) + "@" + new string('b', 200) + ".com";
        Assert.False(NormalizedEmail.TryNormalize(raw, out _, out var problem));
        Assert.Contains("254", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Unkeyed_hash_is_the_sha256_of_the_normalized_address_like_aeps_email_lc_sha256()
    {
        Assert.Equal("b5fc85e55755f9e0d030a10ab4429b6b2944855f9a0d60077fe832becbc41d72", EmailHasher.Unkeyed.Hash("ada@example.com"));
        Assert.Equal(
            Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("ada@example.com"u8)),
            EmailHasher.Unkeyed.Hash("ada@example.com"));
    }

    [Fact]
    public void Keyed_hash_differs_from_the_plain_hash_and_depends_on_the_key()
    {
        var keyed = new EmailHasher(Options.Create(new EmailResolutionOptions { HashKey = "0123456789abcdef" }));
        var other = new EmailHasher(Options.Create(new EmailResolutionOptions { HashKey = "fedcba9876543210" }));

        Assert.NotEqual(EmailHasher.Unkeyed.Hash("ada@example.com"), keyed.Hash("ada@example.com"));
        Assert.NotEqual(other.Hash("ada@example.com"), keyed.Hash("ada@example.com"));
        Assert.Equal(keyed.Hash("ada@example.com"), keyed.Hash("ada@example.com"));
        Assert.Matches("^[0-9a-f]{64}$", keyed.Hash("ada@example.com"));
    }

    [Theory]
    [InlineData("ada@example.com", "a***@example.com")]
    [InlineData("a@example.com", "a***@example.com")]
    [InlineData("not-an-address", "***")]
    public void Masked_form_keeps_the_first_character_and_the_domain(string email, string masked)
    {
        Assert.Equal(masked, MaskedEmail.Mask(email));
    }
}
