namespace Outreach.Connector.Aep;

/// <summary>An AEP audience membership status (docs/reference/aep.md §1.3).</summary>
public enum AudienceStatus
{
    /// <summary>The profile entered the audience in this evaluation.</summary>
    Realized,

    /// <summary>The profile was already a member and stays one.</summary>
    Existing,

    /// <summary>The profile left the audience in this evaluation.</summary>
    Exited,
}
