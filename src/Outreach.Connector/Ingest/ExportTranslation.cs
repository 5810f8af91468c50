using Outreach.Connector.Aep;
using Outreach.Connector.Mapping;
using Outreach.Connector.Updates;

namespace Outreach.Connector.Ingest;

/// <summary>The outcome of one AEP export request: the body refused whole, or one outcome per profile.</summary>
public sealed class ExportTranslation
{
    private ExportTranslation(AepBodyError? bodyError, IReadOnlyList<ProfileOutcome> outcomes)
    {
        BodyError = bodyError;
        Outcomes = outcomes;
    }

    /// <summary>Why the whole body was refused; null when it was read.</summary>
    public AepBodyError? BodyError { get; }

    /// <summary>One outcome per profile, in body order; empty when the body was refused.</summary>
    public IReadOnlyList<ProfileOutcome> Outcomes { get; }

    /// <summary>The updates to queue: one per accepted profile.</summary>
    public IEnumerable<ProspectUpdate> Updates => Outcomes.OfType<ProfileOutcome.Accepted>().Select(a => a.Update);

    /// <summary>The number of accepted profiles.</summary>
    public int AcceptedCount => Outcomes.Count(o => o is ProfileOutcome.Accepted);

    /// <summary>The number of excluded profiles.</summary>
    public int ExcludedCount => Outcomes.Count(o => o is ProfileOutcome.Excluded);

    /// <summary>The number of invalid profiles.</summary>
    public int InvalidCount => Outcomes.Count(o => o is ProfileOutcome.Invalid);

    internal static ExportTranslation Refused(AepBodyError error) => new(error, []);

    internal static ExportTranslation Translated(IReadOnlyList<ProfileOutcome> outcomes) => new(null, outcomes);
}
