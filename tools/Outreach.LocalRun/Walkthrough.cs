using System.Text.Json;

namespace Outreach.LocalRun;

/// <summary>The sample export that fits a mapping, the prospect it updates and what that prospect shows afterwards.</summary>
/// <param name="ExportFile">The sample export, relative to the repository root.</param>
/// <param name="ProspectId">The sandbox prospect the export updates (0 when it creates one).</param>
/// <param name="Outcome">What the prospect holds once the update is delivered.</param>
public sealed record Walkthrough(string ExportFile, long ProspectId, string Outcome)
{
    /// <summary>
    /// An email mapping gets the export whose only identity is an email (it resolves to prospect 2 by its seeded email);
    /// any other mapping the export that carries an Outreach ID.
    /// </summary>
    public static Walkthrough For(string mappingFile, string repositoryRoot)
    {
        var relative = Path.GetRelativePath(repositoryRoot, mappingFile);
        if (relative == "samples/mapping-email-create.json")
        {
            // The new email's prospect gets the next id after the seeded ones: the sandbox's creations list names it.
            return new Walkthrough(
                "samples/exports/new-email-profile.json",
                0,
                "katherine.johnson@example.test (no prospect had it) was created once; /admin/prospects/<its id> shows firstName \"Katherine\", custom1 \"realized\" and the new-prospect defaults tags [\"aep\"] and source.")
            {
                CheckPath = "/admin/prospectCreations",
            };
        }

        var sample = relative is "samples/mapping.json" or "samples/mapping-email.json";
        var outcome = IsEmailMapping(mappingFile)
            ? new Walkthrough(
                "samples/exports/email-only-profile.json",
                2,
                "prospect 2 (found by its email prospect2@example.test) now has firstName \"Grace\", lastName \"Hopper\", custom1 \"realized\" and custom3 \"existing\".")
            : new Walkthrough(
                "samples/exports/single-profile.json",
                1,
                "prospect 1 now has firstName \"Ada\", lastName \"Lovelace\", custom1 \"realized\" and custom2 \"exited\".");
        return sample ? outcome : outcome with { Outcome = $"prospect {outcome.ProspectId} now holds what your mapping writes from {outcome.ExportFile}." };
    }

    /// <summary>The sandbox admin path that shows the outcome.</summary>
    public string CheckPath { get; init; } = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"/admin/prospects/{ProspectId}");

    private static bool IsEmailMapping(string mappingFile)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(mappingFile));
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("identityMatch", out var match)
                && match.ValueKind == JsonValueKind.String
                && string.Equals(match.GetString(), "email", StringComparison.OrdinalIgnoreCase);
        }
        catch (JsonException)
        {
            // The connector reports a malformed mapping when it starts; the walkthrough is never shown then.
            return false;
        }
    }
}
