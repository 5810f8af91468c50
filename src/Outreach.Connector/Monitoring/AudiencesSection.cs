using Outreach.Connector.Delivery.Ledger;
using Outreach.Connector.Mapping;
using Names = Outreach.Connector.Delivery.Counters.DeliveryCounterNames;

namespace Outreach.Connector.Monitoring;

/// <summary>
/// The status report's activation view: per mapped audience, how many prospects delivery wrote with each status, how
/// many failed, and when the audience was last written.
/// </summary>
public sealed class AudiencesSection(CompiledMapping? mapping = null)
{
    /// <summary>The view from the counters summed over the report's hours, its ledger entries and the delivery activity.</summary>
    internal List<AudienceActivation> Build(IReadOnlyDictionary<string, long> c, IReadOnlyList<FailureLedgerEntry> entries, DeliveryActivity delivery)
    {
        if (mapping is null)
        {
            return [];
        }

        var statusTexts = new (string Status, string Text)[]
        {
            ("realized", mapping.Realized.AsString() ?? mapping.Realized.Json),
            ("existing", mapping.Existing.AsString() ?? mapping.Existing.Json),
            ("exited", mapping.Exited.AsString() ?? mapping.Exited.Json),
        };
        return mapping.Audiences
            .OrderBy(a => a.MappingId)
            .Select(audience =>
            {
                var prefix = Names.AudienceWrittenPrefix(audience.AudienceId);
                var all = c.Where(pair => pair.Key.StartsWith(prefix, StringComparison.Ordinal)).Sum(pair => pair.Value);
                var written = new Dictionary<string, long>(StringComparer.Ordinal);
                long named = 0;
                foreach (var (status, text) in statusTexts)
                {
                    // Two statuses may share one text (e.g. realized and existing both "Active"): count it once, under the first.
                    if (written.Count > 0 && statusTexts.TakeWhile(s => s.Status != status).Any(s => s.Text == text))
                    {
                        written[status] = 0;
                        continue;
                    }

                    var count = c.GetValueOrDefault(Names.AudienceWritten(audience.AudienceId, text));
                    written[status] = count;
                    named += count;
                }

                written["other"] = all - named;
                var failed = entries.Count(e => string.Equals(e.AudienceId, audience.AudienceId, StringComparison.OrdinalIgnoreCase));
                return new AudienceActivation(
                    audience.AudienceId,
                    audience.DisplayName,
                    audience.MappingId,
                    audience.FieldName,
                    written,
                    all,
                    failed,
                    delivery.AudienceLastWrittenAt.TryGetValue(audience.AudienceId, out var at) ? at : null,
                    SequenceOf(audience, c));
            })
            .ToList();
    }

    // The audience → sequence counters (Seq_{mappingId}_{sequenceId}_{what}), when the audience enrols in a sequence.
    private AudienceSequenceActivity? SequenceOf(AudienceMapping audience, IReadOnlyDictionary<string, long> c)
    {
        if (mapping!.Sequences.FirstOrDefault(r => r.MappingId == audience.MappingId) is not { } rule)
        {
            return null;
        }

        var prefix = Delivery.Operations.SequenceEnrolment.SequenceCounterNames.For(rule, "");
        long Get(string what) => c.GetValueOrDefault(prefix + what);
        var refused = c.Where(pair => pair.Key.StartsWith(prefix + "Refused_", StringComparison.Ordinal))
            .ToDictionary(pair => pair.Key[(prefix.Length + "Refused_".Length)..], pair => pair.Value, StringComparer.Ordinal);
        return new AudienceSequenceActivity(
            rule.SequenceId, Get("Enrolled"), refused, Get("Held"), Get("NotReady"), Get("ExitFinished"), Get("ExitPaused"), Get("DryRunPlanned"));
    }
}
