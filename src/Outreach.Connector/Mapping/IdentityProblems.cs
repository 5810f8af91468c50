namespace Outreach.Connector.Mapping;

/// <summary>The identity part of <see cref="DestinationMappingValidator"/>: how a profile finds its prospect.</summary>
internal static class IdentityProblems
{
    internal static void Check(DestinationMapping mapping, List<string> problems)
    {
        if (!IdentityMatchNames.TryParse(mapping.IdentityMatch, out var match))
        {
            problems.Add(
                $"identityMatch is '{mapping.IdentityMatch}'; use {IdentityMatchNames.OutreachId} (the Outreach ID is in AEP) " +
                $"or {IdentityMatchNames.Email} (find the prospect by email address).");
            return;
        }

        if (match == IdentityMatch.OutreachId)
        {
            CheckOutreachId(mapping, problems);
        }
        else
        {
            CheckEmail(mapping, problems);
        }
    }

    private static void CheckOutreachId(DestinationMapping mapping, List<string> problems)
    {
        if (mapping.IdentityNamespace is not null && string.IsNullOrWhiteSpace(mapping.IdentityNamespace))
        {
            problems.Add("The identity namespace is empty: name the AEP namespace that carries the Outreach prospect id (usually Oid).");
        }

        foreach (var (name, value) in new[] { ("identitySource", mapping.IdentitySource), ("outreachIdNamespace", mapping.OutreachIdNamespace) })
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                problems.Add($"{name} is set, but it is only used when identityMatch is {IdentityMatchNames.Email}; remove it or set identityMatch to {IdentityMatchNames.Email}.");
            }
        }

        if (!string.IsNullOrWhiteSpace(mapping.DuplicateEmails) && !DuplicateEmailRuleNames.TryParse(mapping.DuplicateEmails, out _))
        {
            problems.Add(DuplicateProblem(mapping.DuplicateEmails));
        }
    }

    private static void CheckEmail(DestinationMapping mapping, List<string> problems)
    {
        var hasNamespace = !string.IsNullOrWhiteSpace(mapping.IdentityNamespace);
        var hasSource = !string.IsNullOrWhiteSpace(mapping.IdentitySource);
        if (!hasNamespace && !hasSource)
        {
            problems.Add(
                "identityMatch is email, but the mapping does not say where the email is: set identityNamespace to the AEP " +
                "namespace holding it (e.g. Email) or identitySource to its XDM path (e.g. workEmail.address).");
        }
        else if (hasNamespace && hasSource)
        {
            problems.Add("Both identityNamespace and identitySource name the email; keep one of them.");
        }
        else if (hasSource && mapping.IdentitySource!.Trim().Split('.').Any(segment => segment.Length == 0))
        {
            problems.Add($"identitySource '{mapping.IdentitySource}' is not a usable path; write it as an XDM path such as workEmail.address.");
        }

        if (mapping.OutreachIdNamespace is not null && string.IsNullOrWhiteSpace(mapping.OutreachIdNamespace))
        {
            problems.Add("outreachIdNamespace is empty: name the AEP namespace that carries Outreach prospect ids (usually Oid), or remove it.");
        }
        else if (hasNamespace && string.Equals(mapping.OutreachIdNamespace?.Trim(), mapping.IdentityNamespace!.Trim(), StringComparison.OrdinalIgnoreCase))
        {
            problems.Add($"identityNamespace and outreachIdNamespace are both '{mapping.IdentityNamespace}'; one namespace cannot hold both emails and Outreach ids.");
        }

        if (!DuplicateEmailRuleNames.TryParse(mapping.DuplicateEmails, out _))
        {
            problems.Add(DuplicateProblem(mapping.DuplicateEmails));
        }
    }

    private static string DuplicateProblem(string? value) =>
        $"Mapping__DuplicateEmails is '{value}'; use skip (update none of the prospects sharing an email and report them), " +
        "all (update every one) or lowest_id (update the one created first).";
}
