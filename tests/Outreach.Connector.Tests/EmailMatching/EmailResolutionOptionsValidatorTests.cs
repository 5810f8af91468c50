using Outreach.Connector.EmailMatching;

namespace Outreach.Connector.Tests.EmailMatching;

public sealed class EmailResolutionOptionsValidatorTests
{
    private static IEnumerable<string> Failures(EmailResolutionOptions options) =>
        new EmailResolutionOptionsValidator().Validate(null, options).Failures ?? [];

    [Fact]
    public void Defaults_are_valid()
    {
        Assert.Empty(Failures(new EmailResolutionOptions()));
    }

    [Fact]
    public void Each_bad_setting_is_named_as_typed_in_app_settings()
    {
        var failures = Failures(new EmailResolutionOptions
        {
            CacheTtl = TimeSpan.FromSeconds(5),
            NegativeCacheTtl = TimeSpan.FromDays(2),
            HashKey = "short",
        }).ToList();

        Assert.Equal(3, failures.Count);
        Assert.StartsWith("EmailResolution__CacheTtl must be between", failures[0], StringComparison.Ordinal);
        Assert.StartsWith("EmailResolution__NegativeCacheTtl must be between", failures[1], StringComparison.Ordinal);
        Assert.StartsWith("EmailResolution__HashKey must be at least 16", failures[2], StringComparison.Ordinal);
    }

    [Fact]
    public void Negative_answers_may_not_outlive_found_prospects()
    {
        var failure = Assert.Single(Failures(new EmailResolutionOptions { CacheTtl = TimeSpan.FromMinutes(10), NegativeCacheTtl = TimeSpan.FromHours(1) }));
        Assert.Equal("EmailResolution__NegativeCacheTtl must not be longer than EmailResolution__CacheTtl.", failure);
    }
}
