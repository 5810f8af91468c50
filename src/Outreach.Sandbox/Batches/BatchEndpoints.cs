using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Outreach.Sandbox.Api;
using Outreach.Sandbox.Configuration;
using Outreach.Sandbox.Prospects;
using Outreach.Sandbox.RateLimiting;

namespace Outreach.Sandbox.Batches;

/// <summary>
/// Maps <c>POST /batches/actions/prospectsBulkModify</c>, <c>GET /batches/{id}</c>,
/// <c>POST /batches/{id}/actions/confirm</c> and <c>GET /batchItems</c> (docs/reference/outreach-api.md, bulk actions).
/// </summary>
/// <remarks>
/// Faithful to the dangerous part: a bulk action with no id filter in the query (and, by default, ids only in the
/// body) acts on EVERY prospect. Such calls are counted in <c>GET /admin/counters</c> (<c>bulk.unfiltered</c>).
/// </remarks>
internal static class BatchEndpoints
{
    public static void MapBatches(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/api/v2/batches/actions/prospectsBulkModify", BulkModifyAsync);
        routes.MapGet("/api/v2/batches/{id}", GetBatchAsync);
        routes.MapPost("/api/v2/batches/{id}/actions/confirm", ConfirmAsync);
        routes.MapGet("/api/v2/batchItems", ListItemsAsync);
    }

    private static async Task BulkModifyAsync(
        HttpContext context, BatchStore batches, ProspectStore prospects, UserRateLimiter limiter, IOptions<SandboxOptions> options, TimeProvider time)
    {
        var sandbox = options.Value;
        if (await ScopeCheck.RefuseAsync(context, ("batches", "read"), ("batches", "write"), ("prospects", "write")))
        {
            return;
        }

        if (await JsonApiRequest.RefusedAsNotJsonApiAsync(context))
        {
            return;
        }

        var (queryIds, skipConfirmation, status, queryError) = BulkModifyParser.ParseQuery(context.Request.Query, sandbox.Prospects);
        if (queryError is not null)
        {
            await ApiErrors.WriteAsync(context, status, queryError);
            return;
        }

        if (await JsonApiRequest.ReadBodyAsync(context) is not { } document)
        {
            return;
        }

        using (document)
        {
            var (changes, bodyIds, errors) = BulkModifyParser.ParseBody(document.RootElement, sandbox.Prospects);
            if (errors.Count > 0)
            {
                await ApiErrors.WriteAsync(context, StatusCodes.Status422UnprocessableEntity, errors);
                return;
            }

            // The query filter selects; body ids only when the sandbox is told to honour them; otherwise EVERY prospect.
            var targets = queryIds ?? (sandbox.Bulk.HonourBodyIds && bodyIds is { Count: > 0 } ? bodyIds.Distinct().ToList() : null);
            var unfiltered = targets is null;
            targets ??= [.. Enumerable.Range(1, prospects.Count).Select(id => (long)id)];
            var batch = batches.Create(targets, changes, skipConfirmation, hadQueryFilter: queryIds is not null, unfiltered);

            if (sandbox.Bulk.RateLimitCost == BulkRateLimitCost.PerItem && batch.Total > 1 && context.Features.Get<ApiCaller>() is { } caller)
            {
                // The gateway charged the call itself; the other items are charged now and the headers say so.
                var decision = limiter.Charge(caller.UserEmail, batch.Total - 1);
                RateLimitHeaders.Apply(context.Response, decision, sandbox.RateLimit, time.GetUtcNow());
            }

            await BatchDocument.WriteBatchAsync(context, batches, batch.Id);
        }
    }

    private static async Task GetBatchAsync(HttpContext context, string id, BatchStore batches)
    {
        if (await ScopeCheck.RefuseAsync(context, ("batches", "read")))
        {
            return;
        }

        if (ParseId(id) is not { } batchId || batches.Get(batchId) is null)
        {
            await ApiErrors.WriteAsync(context, StatusCodes.Status404NotFound, ApiErrors.NotFound("batch", id));
            return;
        }

        await BatchDocument.WriteBatchAsync(context, batches, batchId);
    }

    private static async Task ConfirmAsync(HttpContext context, string id, BatchStore batches)
    {
        if (await ScopeCheck.RefuseAsync(context, ("batches", "write")))
        {
            return;
        }

        if (ParseId(id) is not { } batchId || batches.Get(batchId) is not { } batch)
        {
            await ApiErrors.WriteAsync(context, StatusCodes.Status404NotFound, ApiErrors.NotFound("batch", id));
            return;
        }

        var count = int.TryParse(context.Request.Query["actionParams[confirmedCount]"], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1;
        if (!batches.Confirm(batch, count))
        {
            await ApiErrors.WriteAsync(context, StatusCodes.Status422UnprocessableEntity, ApiErrors.Validation(
                "actionParams[confirmedCount]",
                string.Create(CultureInfo.InvariantCulture, $"The batch is not awaiting confirmation, or actionParams[confirmedCount] is not its total ({batch.Total}).")));
            return;
        }

        await BatchDocument.WriteBatchAsync(context, batches, batchId);
    }

    /// <summary><c>filter[batch][id]</c> or <c>filter[batchId]</c>, optional <c>filter[failed]</c>, cursor paging by item id.</summary>
    private static async Task ListItemsAsync(HttpContext context, BatchStore batches)
    {
        if (await ScopeCheck.RefuseAsync(context, ("batches", "read")))
        {
            return;
        }

        var query = context.Request.Query;
        var batchText = query["filter[batch][id]"].Count > 0 ? query["filter[batch][id]"].ToString() : query["filter[batchId]"].ToString();
        long? batchId = null;
        if (batchText.Length > 0)
        {
            if (ParseId(batchText) is not { } parsed)
            {
                await ApiErrors.WriteAsync(context, StatusCodes.Status400BadRequest, ApiErrors.BadFilter(400, $"filter[batch][id] value '{batchText}' is not an id."));
                return;
            }

            batchId = parsed;
        }

        bool? failed = query["filter[failed]"].ToString() switch
        {
            "true" => true,
            "false" => false,
            _ => null,
        };
        var size = int.TryParse(query["page[size]"], NumberStyles.None, CultureInfo.InvariantCulture, out var s) && s > 0 ? Math.Min(s, ProspectQuery.MaxPageSize) : ProspectQuery.DefaultPageSize;
        var after = long.TryParse(query["page[after]"], NumberStyles.None, CultureInfo.InvariantCulture, out var a) ? a : 0;

        var (page, more) = batches.Read(all =>
        {
            var matching = all.Values
                .Where(batch => batchId is null || batch.Id == batchId)
                .SelectMany(batch => batch.Items)
                .Where(item => item.Id > after && (failed is null || (item.Processed && item.Failed == failed)))
                .OrderBy(item => item.Id)
                .Take(size + 1)
                .ToList();
            return (matching.Take(size).ToList(), matching.Count > size);
        });

        string? next = null;
        if (more)
        {
            var parameters = query
                .Where(pair => pair.Key != "page[after]")
                .SelectMany(pair => pair.Value.Select(value => KeyValuePair.Create(pair.Key, value)))
                .Append(KeyValuePair.Create("page[after]", (string?)page[^1].Id.ToString(CultureInfo.InvariantCulture)));
            next = QueryHelpers.AddQueryString($"{context.Request.Scheme}://{context.Request.Host}/api/v2/batchItems", parameters);
        }

        await BatchDocument.WriteItemsAsync(context, page, next);
    }

    private static long? ParseId(string id) =>
        long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : null;
}
