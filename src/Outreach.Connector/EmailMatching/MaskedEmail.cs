namespace Outreach.Connector.EmailMatching;

/// <summary>The form of an email address that the ledger and the status page show: <c>a***@example.com</c>.</summary>
/// <remarks>
/// Enough for a person who knows the contact to recognise it, not enough to write to it. Shown next to the hash
/// (<see cref="EmailHasher"/>), which identifies it exactly. Never used in logs or metrics: those carry neither form.
/// </remarks>
public static class MaskedEmail
{
    /// <summary>Masks an address: its first character, <c>***</c>, and the domain; <c>***</c> alone when it has no @.</summary>
    public static string Mask(string email)
    {
        ArgumentNullException.ThrowIfNull(email);
        var at = email.LastIndexOf('@');
        if (at <= 0)
        {
            return "***";
        }

        return string.Concat(email.AsSpan(0, 1), "***", email.AsSpan(at));
    }
}
