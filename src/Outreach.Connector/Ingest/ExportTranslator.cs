using Outreach.Connector.Aep;
using Outreach.Connector.Mapping;

namespace Outreach.Connector.Ingest;

/// <summary>Reads an AEP export request body and translates each profile: the whole of ingest except the queue.</summary>
/// <remarks>
/// Both the standalone endpoint and the Functions HTTP trigger call this, so they validate identically. A profile
/// carrying undecodable text, control characters or a repeated key is invalid before the mapping reads it
/// (<see cref="ProfileIntegrityCheck"/>), so no reader meets such a value and the other profiles go through.
/// </remarks>
public sealed class ExportTranslator(AepExportReader reader, ProfileTranslator translator)
{
    /// <summary>Reads and translates a body stream received at <paramref name="receivedAt"/>.</summary>
    public async Task<ExportTranslation> TranslateAsync(Stream body, DateTimeOffset receivedAt, CancellationToken cancellationToken) =>
        Translate(await reader.ReadAsync(body, cancellationToken), receivedAt);

    /// <summary>Reads and translates a body already in memory.</summary>
    public ExportTranslation Translate(ReadOnlyMemory<byte> body, DateTimeOffset receivedAt) => Translate(reader.Read(body), receivedAt);

    private ExportTranslation Translate(AepReadOutcome read, DateTimeOffset receivedAt)
    {
        if (!read.Succeeded)
        {
            return ExportTranslation.Refused(read.Error);
        }

        using var export = read.Export;
        var outcomes = new ProfileOutcome[export.Profiles.Count];
        for (var i = 0; i < outcomes.Length; i++)
        {
            var profile = export.Profiles[i];
            outcomes[i] = ProfileIntegrityCheck.Find(profile.Element, profile.Path) is { } problem
                ? new ProfileOutcome.Invalid(profile.Index, profile.Path, problem.Path, problem.Message)
                : translator.Translate(profile, receivedAt);
        }

        return ExportTranslation.Translated(outcomes);
    }
}
