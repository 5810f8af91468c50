namespace Outreach.Connector.Mapping;

/// <summary>The text written to an audience's <c>customN</c> field for each AEP membership status.</summary>
/// <remarks>
/// The defaults write the raw AEP status, the most likely behaviour of Adobe's own Outreach destination
/// (UNCONFIRMED: Adobe only documents "the audience status"). Teams that prefer e.g. "Active"/"Inactive" change it here.
/// </remarks>
public sealed class StatusValues
{
    /// <summary>Written when the profile entered the audience in this evaluation.</summary>
    public string Realized { get; set; } = "realized";

    /// <summary>Written when the profile was already a member and stays one.</summary>
    public string Existing { get; set; } = "existing";

    /// <summary>Written when the profile left the audience.</summary>
    public string Exited { get; set; } = "exited";
}
