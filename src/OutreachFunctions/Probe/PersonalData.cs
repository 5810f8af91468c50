namespace OutreachFunctions.Probe;

/// <summary>Masks personal data before it is printed: the probe reports on a real person's prospect.</summary>
public static class PersonalData
{
    /// <summary><c>alice@example.com</c> → <c>a***@example.com</c>; anything without an <c>@</c> → <c>***</c>.</summary>
    public static string MaskEmail(string email)
    {
        ArgumentNullException.ThrowIfNull(email);
        var at = email.LastIndexOf('@');
        return at <= 0 ? "***" : string.Concat(email.AsSpan(0, 1), "***", email.AsSpan(at));
    }
}
