using Outreach.Connector.Outreach;

namespace Outreach.Connector.EmailMatching;

/// <summary>What became of one email at delivery: the prospects to update, an exclusion, or "not yet".</summary>
public abstract record EmailResolution
{
    /// <summary>Update these prospects: one, or several when <c>Mapping__DuplicateEmails</c> is <c>all</c>.</summary>
    public sealed record Resolved(IReadOnlyList<long> ProspectIds) : EmailResolution;

    /// <summary>No prospect has the email: excluded as <c>no_prospect_for_email</c>, not a failure.</summary>
    public sealed record NoProspect : EmailResolution;

    /// <summary>Several prospects have it and the rule is <c>skip</c>: excluded as <c>ambiguous_email</c>.</summary>
    public sealed record Ambiguous(IReadOnlyList<long> ProspectIds) : EmailResolution;

    /// <summary>Outreach refused the lookup for good (e.g. 400 or 403 for a missing <c>prospects.read</c> scope).</summary>
    public sealed record Rejected(int StatusCode, OutreachError? Error) : EmailResolution;

    /// <summary>Not resolved in this batch; the message waits as <paramref name="Wait"/> says.</summary>
    public sealed record NotYet(ResolutionWait Wait, DateTimeOffset? Until, string Reason) : EmailResolution;
}

/// <summary>Why an email could not be resolved now, which decides how its message waits.</summary>
public enum ResolutionWait
{
    /// <summary>No permit or a 429: defer without using an attempt.</summary>
    Defer,

    /// <summary>A transient failure: retry later, using an attempt.</summary>
    Retry,

    /// <summary>The connection needs re-authorization: hold.</summary>
    Pause,
}
