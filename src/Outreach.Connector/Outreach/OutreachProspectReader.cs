using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Outreach.Connector.Updates;

namespace Outreach.Connector.Outreach;

/// <summary>
/// Reads prospects by id list with collection GETs and sparse fieldsets (docs/reference/outreach-api.md, filtering
/// and paging). The largest list Outreach accepts is UNCONFIRMED, so a refused list is halved and the smaller
/// maximum is kept.
/// </summary>
public sealed partial class OutreachProspectReader(
    OutreachApiSender sender,
    IOptions<OutreachBulkOptions> bulkOptions,
    ILogger<OutreachProspectReader> logger) : IOutreachProspectReader
{
    private const string Operation = "GET prospects by id";
    private int _maxIds = bulkOptions.Value.MaxIdsPerRead;

    /// <inheritdoc />
    public int MaxIdsPerRequest => Volatile.Read(ref _maxIds);

    /// <inheritdoc />
    public async Task<OutreachCallOutcome> ReadAsync(
        IReadOnlyCollection<long> ids, IReadOnlyList<string> fields, Func<CancellationToken, ValueTask>? beforeEachRequest, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(fields);
        if (ids.Any(id => id <= 0))
        {
            throw new ArgumentException("Prospect ids are positive.", nameof(ids));
        }

        var found = new List<ProspectValues>();
        var pending = new Stack<long[]>(ids.Distinct().Order().Chunk(MaxIdsPerRequest).Reverse());
        var requests = 0;
        var status = 200;
        RateLimitSnapshot rateLimit = default;
        while (pending.TryPop(out var list))
        {
            var url = Url(list, fields);
            var outcome = await sender.SendAsync(Operation, () => new HttpRequestMessage(HttpMethod.Get, url), beforeEachRequest, cancellationToken);
            requests++;
            if (outcome is OutreachCallOutcome.Permanent { StatusCode: 400 or 413 or 414 or 422 } && list.Length > 1)
            {
                // Refused as too long: halve the maximum (once per size) and send this list again in halves.
                var half = (list.Length + 1) / 2;
                var before = Interlocked.Exchange(ref _maxIds, Math.Min(MaxIdsPerRequest, half));
                Log.ListRefused(logger, list.Length, ((OutreachCallOutcome.Permanent)outcome).StatusCode, Math.Min(before, half));
                foreach (var part in list.Chunk(half).Reverse())
                {
                    pending.Push(part);
                }

                continue;
            }

            if (outcome is not OutreachCallOutcome.Succeeded<ReadOnlyMemory<byte>> succeeded)
            {
                return outcome;
            }

            (status, rateLimit) = (succeeded.StatusCode, succeeded.RateLimit);
            if (JsonApiList.Read(succeeded.Value) is not { } page)
            {
                return new OutreachCallOutcome.Transient(succeeded.StatusCode, "Outreach's answer is not a JSON:API list.", null, rateLimit);
            }

            // One list never holds more ids than a page, so no next page is expected; only the ids asked for are kept.
            var wanted = list.ToHashSet();
            found.AddRange(page.Resources.Where(prospect => wanted.Contains(prospect.Id)));
        }

        return new OutreachCallOutcome.Succeeded<ProspectsRead>(new ProspectsRead(found, requests), status, rateLimit);
    }

    private static string Url(long[] ids, IReadOnlyList<string> fields)
    {
        var url = new StringBuilder("prospects?filter[id]=");
        url.AppendJoin(',', ids.Select(id => id.ToString(CultureInfo.InvariantCulture)));
        if (fields.Count > 0)
        {
            url.Append("&fields[prospect]=").AppendJoin(',', fields.Select(Uri.EscapeDataString));
        }

        return url.Append(CultureInfo.InvariantCulture, $"&page[size]={Math.Max(ids.Length, 1)}").ToString();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2111, Level = LogLevel.Warning, Message = "Outreach refused a list of {Count} ids (HTTP {StatusCode}); reading at most {Max} ids per request from now on")]
        public static partial void ListRefused(ILogger logger, int count, int statusCode, int max);
    }
}

/// <summary>What <see cref="IOutreachProspectReader.ReadAsync"/> read. Ids Outreach does not know are simply absent.</summary>
/// <param name="Prospects">The prospects found, with the attributes asked for.</param>
/// <param name="Requests">How many HTTP requests were made (refused long lists included).</param>
public sealed record ProspectsRead(IReadOnlyList<ProspectValues> Prospects, int Requests)
{
    /// <summary>Each prospect found, by id, with its attributes as the values delivery compares.</summary>
    public IReadOnlyDictionary<long, IReadOnlyDictionary<string, FieldValue>> ValuesById() => Prospects.ToDictionary(
        p => p.Id,
        IReadOnlyDictionary<string, FieldValue> (p) => p.Attributes.ToDictionary(a => a.Key, a => FieldValue.FromElement(a.Value), StringComparer.Ordinal));
}
