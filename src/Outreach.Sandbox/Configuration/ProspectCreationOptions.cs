namespace Outreach.Sandbox.Configuration;

/// <summary>
/// How <c>POST /prospects</c> behaves (docs/reference/outreach-prospect-creation.md): the org's "Purposeful Duplicates"
/// setting, the refused email domains, and the fault that applies a create and then drops its answer.
/// </summary>
public sealed class ProspectCreationOptions
{
    /// <summary>
    /// The org allows several prospects with one email (Outreach's "Purposeful Duplicates"). Off: a create or PATCH with
    /// an email another prospect holds is refused with 422. Also on when <see cref="ProspectOptions.DuplicateEmailEvery"/>
    /// seeds duplicates (an org that holds duplicates allows them).
    /// </summary>
    public bool PurposefulDuplicates { get; set; }

    /// <summary>Email domains the org refuses (e.g. internal or blocked ones): a create with such an email gets 422. Subdomains count.</summary>
    public IList<string> ExcludedEmailDomains { get; init; } = [];

    /// <summary>Fraction (0..1) of successful creates that are APPLIED and then get no answer (see <see cref="DroppedAnswer"/>).</summary>
    public double DroppedAnswerRate { get; set; }

    /// <summary>How an answer is dropped: the connection is reset at once, or the call hangs until the client gives up.</summary>
    public DroppedAnswerKind DroppedAnswer { get; set; } = DroppedAnswerKind.ConnectionReset;

    /// <summary>How long a <see cref="DroppedAnswerKind.Timeout"/> hangs before the connection is reset anyway.</summary>
    public TimeSpan DroppedAnswerHang { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Seed of the draw that picks the dropped answers; the same seed and creates sent one at a time drop the same ones.</summary>
    public int? DroppedAnswerSeed { get; set; }

    /// <summary>Whether a second prospect with a taken email is allowed (the setting, or seeded duplicates).</summary>
    internal bool AllowsDuplicateEmails(ProspectOptions prospects) => PurposefulDuplicates || prospects.DuplicateEmailEvery > 0;

    internal IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (DroppedAnswerRate is < 0 or > 1 || double.IsNaN(DroppedAnswerRate))
        {
            problems.Add("DroppedAnswerRate must be between 0 and 1.");
        }

        if (!Enum.IsDefined(DroppedAnswer))
        {
            problems.Add("DroppedAnswer must be ConnectionReset or Timeout.");
        }

        if (DroppedAnswerHang < TimeSpan.Zero)
        {
            problems.Add("DroppedAnswerHang must not be negative.");
        }

        if (ExcludedEmailDomains.Any(domain => string.IsNullOrWhiteSpace(domain) || domain.Contains('@', StringComparison.Ordinal)))
        {
            problems.Add("ExcludedEmailDomains holds domain names such as example.com (no '@').");
        }

        return problems;
    }
}

/// <summary>How the sandbox drops the answer of a create it applied: the two ways a client loses it in real life.</summary>
public enum DroppedAnswerKind
{
    /// <summary>The connection is closed without an answer (the client sees a reset or an ended response).</summary>
    ConnectionReset,

    /// <summary>No answer until the client's own timeout fires (or <see cref="ProspectCreationOptions.DroppedAnswerHang"/> passes).</summary>
    Timeout,
}
