using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json;
using Outreach.Connector.Monitoring;
using Outreach.Testing;
using OutreachFunctions.Tests.Infrastructure;
using static OutreachFunctions.Tests.Monitoring.InjectedFailuresScenario;
using I = Outreach.Connector.Monitoring.ConnectorTelemetry.Instruments;

namespace OutreachFunctions.Tests.Monitoring;

/// <summary>
/// Every counter and view against an end-to-end run with injected failures (404 prospects, a bad mapping ID, a 429 window):
/// the numbers must match what the sandbox saw.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class MonitoringEndToEndTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Run_report_activation_view_metrics_traces_and_logs_match_what_the_sandbox_saw()
    {
        using var activities = new ActivityCapture();
        await using var sandbox = await SandboxServer.StartAsync(Sandbox());
        await using var connector = await MonitoredConnector.StartAsync(azurite, sandbox, Settings());
        using var metrics = new MetricCapture(connector.Services.GetRequiredService<IMeterFactory>());

        var status = await RunAsync(connector, sandbox);
        var patches = await SandboxPatchesAsync(sandbox);
        var totals = status.Totals;

        // What the sandbox saw, request by request.
        Assert.True(patches.GetValueOrDefault(429) > 0, "the forced 429 window produced no 429: the test proved nothing");
        Assert.Equal(Good.Length, patches.GetValueOrDefault(200));
        Assert.Equal(Missing.Length, patches.GetValueOrDefault(404));
        Assert.Equal(BadMapping.Length, patches.GetValueOrDefault(422));
        Assert.Equal(patches.Values.Sum(), (int)totals.RequestsSent);
        Assert.Equal(patches[429], (int)totals.RateLimited);
        Assert.Equal(patches[200], (int)totals.ProspectsUpdated);

        // The run: AEP's numbers.
        Assert.Equal(Received, totals.Received);
        Assert.Equal(Accepted, totals.Accepted);
        Assert.Equal(Good.Length, totals.Activated);
        Assert.Equal(ExcludedNoIdentity + ExcludedNotInteger, totals.Excluded);
        Assert.Equal(InvalidProfiles, totals.Invalid);
        Assert.Equal(Missing.Length + BadMapping.Length, totals.Failed);
        Assert.Equal(ExcludedNoIdentity, totals.ExcludedByReason["no_outreach_identity"]);
        Assert.Equal(ExcludedNotInteger, totals.ExcludedByReason["identity_not_positive_integer"]);
        var rate = (double)(Good.Length + ExcludedNoIdentity + ExcludedNotInteger) / Received;
        Assert.Equal(Math.Round(rate, 4), totals.ActivationRate);
        Assert.Equal(totals.Received, status.Runs.Sum(r => r.Received));
        Assert.Equal("processing", status.Runs[^1].Status);

        // Failures grouped by error code, with a description and sample prospects.
        var notFound = Assert.Single(totals.Failures, f => f.ErrorId == "resourceNotFound");
        Assert.Equal(patches[404], (int)notFound.Count);
        Assert.Subset(Missing.ToHashSet(), notFound.SampleProspectIds.ToHashSet());
        Assert.Contains("does not exist", notFound.Description, StringComparison.Ordinal);
        var validation = Assert.Single(totals.Failures, f => f.ErrorId == "validationError");
        Assert.Equal(patches[422], (int)validation.Count);
        Assert.Subset(BadMapping.ToHashSet(), validation.SampleProspectIds.ToHashSet());
        Assert.Contains("custom3 (audience 'Webinar attendees', mapping ID 3)", validation.Fields);
        Assert.Equal(2, totals.Failures.Count);

        // The activation view: one row per mapped audience.
        var highIntent = Assert.Single(status.Audiences, a => a.AudienceId == HighIntent);
        Assert.Equal((1, "custom1"), (highIntent.MappingId, highIntent.Field));
        Assert.Equal(Good.Count(id => id % 2 == 1), highIntent.Written["realized"]);
        Assert.Equal(Good.Count(id => id % 2 == 0), highIntent.Written["exited"]);
        Assert.Equal(0, highIntent.Written["existing"] + highIntent.Written["other"]);
        Assert.NotNull(highIntent.LastWrittenAt);
        var churn = Assert.Single(status.Audiences, a => a.AudienceId == ChurnRisk);
        Assert.Equal(Good.Length, churn.Written["existing"]);
        var webinar = Assert.Single(status.Audiences, a => a.AudienceId == Webinar);
        Assert.Equal((3, 0L, (long)BadMapping.Length), (webinar.MappingId, webinar.WrittenTotal, webinar.Failed));
        Assert.Null(webinar.LastWrittenAt);

        // Health: 9 of 39 updates failed in the last hour, above the default 5 %.
        Assert.Equal(HealthReport.Degraded, status.Health.Status);
        Assert.Contains(status.Health.Reasons, r => r.Code == "failure_rate");
        Assert.NotNull(status.Delivery.LastBatchAt);
        var health = await connector.Client.GetAsync(new Uri("/api/health", UriKind.Relative));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);

        // Metrics: the same numbers through OpenTelemetry's instruments.
        Assert.Equal(Accepted, metrics.Sum(I.IngestProfiles, ("outcome", "accepted")));
        Assert.Equal(ExcludedNoIdentity, metrics.Sum(I.IngestProfiles, ("outcome", "excluded"), ("reason", "no_outreach_identity")));
        Assert.Equal(InvalidProfiles, metrics.Sum(I.IngestProfiles, ("outcome", "invalid")));
        Assert.Equal(patches[200], metrics.Sum(I.UpdatesApplied, ("dry_run", false)));
        Assert.Equal(patches[404], metrics.Sum(I.UpdatesFailed, ("error_id", "resourceNotFound")));
        Assert.Equal(patches[422], metrics.Sum(I.UpdatesFailed, ("error_id", "validationError")));
        Assert.Equal(patches.Values.Sum(), metrics.Sum(I.RequestsSent));
        Assert.Equal(patches[429], metrics.Sum(I.RequestsRateLimited));
        Assert.True(metrics.Sum(I.UpdatesDeferred) > 0, "the 429 window deferred nothing");
        Assert.True(metrics.Sum(I.TokenRefreshes) == 0, "no refresh was due, yet one was counted");
        Assert.True(metrics.Recorded(I.QueueLag), "no queue lag was recorded");
        Assert.True(metrics.Recorded(I.BudgetRemaining), "no remaining budget was recorded");

        // One trace from the ingest request through the queue to the PATCH of prospect 7.
        var traceId = ActivityTraceId.CreateFromString(TraceParent.AsSpan(3, 32));
        var trace = activities.Completed.Where(a => a.TraceId == traceId).ToList();
        Assert.Contains(trace, a => a.OperationName == ConnectorTelemetry.Activities.Ingest);
        var delivery = Assert.Single(trace, a => a.OperationName == ConnectorTelemetry.Activities.DeliverProspect && Equals(a.GetTagItem("outreach.prospect.id"), 7L)
            && Equals(a.GetTagItem("outreach.outcome"), "Applied"));
        Assert.Contains(trace, a => a.Source.Name == "System.Net.Http" && a.ParentSpanId == delivery.SpanId);

        // Logs: structured, with prospect ids, and never a token, a secret or personal data.
        var text = connector.Logs.AllText;
        Assert.Contains("ProspectId=1001", text, StringComparison.Ordinal);
        foreach (var secret in await SecretsAsync(connector, sandbox))
        {
            Assert.False(text.Contains(secret, StringComparison.Ordinal), $"a log line holds a secret ({secret[..Math.Min(4, secret.Length)]}…)");
        }

        Assert.DoesNotContain(FirstNameMarker, text, StringComparison.Ordinal);
        Assert.DoesNotContain(LastNameMarker, text, StringComparison.Ordinal);
    }

    // The tokens the sandbox issued (as the connector stored them), the app's client secret and the ingest secret.
    private static async Task<List<string>> SecretsAsync(MonitoredConnector connector, SandboxServer sandbox)
    {
        var secrets = new List<string> { sandbox.ClientSecret, StandaloneConnector.Secret };
        foreach (var file in Directory.GetFiles(connector.Isolation.TokenFolder, "*", SearchOption.AllDirectories))
        {
            using var document = JsonDocument.Parse(await File.ReadAllTextAsync(file));
            Collect(document.RootElement, secrets);
        }

        Assert.True(secrets.Count >= 4, "no stored token was found to look for");
        return secrets;

        static void Collect(JsonElement element, List<string> into)
        {
            if (element.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in element.EnumerateObject())
                {
                    if (property.Value.ValueKind == JsonValueKind.String && property.Name.EndsWith("Token", StringComparison.OrdinalIgnoreCase)
                        && property.Value.GetString() is { Length: >= 16 } token)
                    {
                        into.Add(token);
                    }
                    else
                    {
                        Collect(property.Value, into);
                    }
                }
            }
        }
    }

    /// <summary>Captures completed activities of the connector, ASP.NET Core and HttpClient sources (all of them, every test).</summary>
    private sealed class ActivityCapture : IDisposable
    {
        private readonly ActivityListener _listener;

        public ActivityCapture()
        {
            _listener = new ActivityListener
            {
                ShouldListenTo = source => source.Name is ConnectorTelemetry.Name or "Microsoft.AspNetCore" or "System.Net.Http",
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
                ActivityStopped = activity => Completed.Add(activity),
            };
            ActivitySource.AddActivityListener(_listener);
        }

        public ConcurrentBag<Activity> Completed { get; } = [];

        public void Dispose() => _listener.Dispose();
    }

    /// <summary>Sums the measurements of one app's meters (its IMeterFactory), by instrument and tags.</summary>
    private sealed class MetricCapture : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentQueue<(string Name, double Value, KeyValuePair<string, object?>[] Tags)> _measurements = new();

        public MetricCapture(IMeterFactory scope)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Scope == scope && instrument.Meter.Name == ConnectorTelemetry.Name)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => _measurements.Enqueue((instrument.Name, value, tags.ToArray())));
            _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => _measurements.Enqueue((instrument.Name, value, tags.ToArray())));
            _listener.Start();
        }

        public long Sum(string name, params (string Key, object Value)[] tags) =>
            (long)_measurements
                .Where(m => m.Name == name && tags.All(t => m.Tags.Any(tag => tag.Key == t.Key && Equals(tag.Value, t.Value))))
                .Sum(m => m.Value);

        public bool Recorded(string name) => _measurements.Any(m => m.Name == name);

        public void Dispose() => _listener.Dispose();
    }
}
