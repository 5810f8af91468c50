namespace Outreach.Connector.Mapping;

/// <summary>Why a well-formed profile yields no prospect update (AEP calls these "identities excluded").</summary>
public static class ExclusionReasons
{
    /// <summary>The profile has no identity in the Outreach namespace.</summary>
    public const string NoOutreachIdentity = "no_outreach_identity";

    /// <summary>An Outreach identity is not a positive integer, so it cannot be a prospect id.</summary>
    public const string IdentityNotPositiveInteger = "identity_not_positive_integer";

    /// <summary>The profile carries several different Outreach ids; writing to either could be wrong.</summary>
    public const string ConflictingOutreachIdentities = "conflicting_outreach_identities";

    /// <summary>Nothing in the profile is mapped: no mapped audience and no mapped attribute with a value.</summary>
    public const string NothingMapped = "nothing_mapped";

    /// <summary>With an email mapping, the profile has neither an email nor an Outreach id.</summary>
    public const string NoEmailIdentity = "no_email_identity";

    /// <summary>At delivery: no Outreach prospect has the profile's email (not a failure; tried again after the negative cache expires).</summary>
    public const string NoProspectForEmail = "no_prospect_for_email";

    /// <summary>At delivery: several prospects have the email and <c>Mapping__DuplicateEmails</c> is <c>skip</c>.</summary>
    public const string AmbiguousEmail = "ambiguous_email";
}
