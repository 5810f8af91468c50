using Outreach.Connector.Delivery;
using Outreach.Connector.Outreach;
using Outreach.Connector.Updates;

namespace Outreach.Connector.Tests.Delivery;

/// <summary>Builds updates, messages and outcomes for delivery tests.</summary>
internal static class TestUpdates
{
    public static readonly DateTimeOffset Start = new(2025, 3, 1, 10, 0, 0, TimeSpan.Zero);

    public static DateTimeOffset At(int minutes) => Start.AddMinutes(minutes);

    public static FieldChange Change(string value, int observedMinute, string? audienceId = null) =>
        new(FieldValue.FromString(value), At(observedMinute), audienceId);

    public static ProspectUpdate Update(long prospectId, int receivedMinute, params (string Field, FieldChange Change)[] fields) =>
        new(prospectId, fields.ToDictionary(f => f.Field, f => f.Change, StringComparer.Ordinal), At(receivedMinute));

    public static DeliveryMessage Message(string id, ProspectUpdate update, int attempt = 1) => new(id, update, attempt);

    public static OutreachCallOutcome.Succeeded Applied(RateLimitSnapshot rateLimit = default) => new(200, rateLimit);

    /// <summary>The attributes of a PATCH as field → JSON text, for assertions.</summary>
    public static Dictionary<string, string> AsJson(IReadOnlyList<KeyValuePair<string, FieldValue>> attributes) =>
        attributes.ToDictionary(pair => pair.Key, pair => pair.Value.Json, StringComparer.Ordinal);

    public static string Json(string value) => FieldValue.FromString(value).Json;
}
