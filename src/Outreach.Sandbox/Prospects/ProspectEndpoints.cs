using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Outreach.Sandbox.Api;
using Outreach.Sandbox.Configuration;

namespace Outreach.Sandbox.Prospects;

/// <summary>Maps <c>GET/PATCH /api/v2/prospects/{id}</c> and <c>GET /api/v2/prospects</c>.</summary>
/// <remarks>
/// Checks run in this order: scope (403), content type (415), unparsable JSON (400), unknown prospect (404),
/// body validation (422). The gateway has already handled the token (401), the rate limit (429) and faults.
/// </remarks>
internal static class ProspectEndpoints
{
    public static void MapProspects(this IEndpointRouteBuilder routes)
    {
        routes.MapPatch("/api/v2/prospects/{id}", PatchAsync);
        routes.MapGet("/api/v2/prospects/{id}", GetAsync);
        routes.MapGet("/api/v2/prospects", ListAsync);
    }

    private static async Task PatchAsync(HttpContext context, string id, ProspectStore store, IOptions<SandboxOptions> options)
    {
        var prospectOptions = options.Value.Prospects;
        if (await RefuseScopeAsync(context, "write"))
        {
            return;
        }

        if (!IsJsonApi(context.Request.ContentType))
        {
            var message = "Expected Content-Type 'application/vnd.api+json'.";
            await ApiErrors.WriteAsync(context, StatusCodes.Status415UnsupportedMediaType, new ApiError
            {
                Id = "unsupportedMediaType",
                Title = "Unsupported Media Type",
                Detail = prospectOptions.UnsupportedMediaTypeUsesDetailsKey ? null : message,
                Details = prospectOptions.UnsupportedMediaTypeUsesDetailsKey ? message : null,
            });
            return;
        }

        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        }
        catch (JsonException)
        {
            // A sandbox choice (UNCONFIRMED for Outreach): unparsable JSON is a 400, not a 422.
            await ApiErrors.WriteAsync(context, StatusCodes.Status400BadRequest, new ApiError
            {
                Id = "badRequest",
                Title = "Bad Request",
                Detail = "The request body is not valid JSON.",
            });
            return;
        }

        using (document)
        {
            if (ParseId(id) is not { } prospectId || store.Get(prospectId) is null)
            {
                await ApiErrors.WriteAsync(context, StatusCodes.Status404NotFound, ApiErrors.NotFound("prospect", id));
                return;
            }

            var (changes, errors) = ProspectPatchParser.Parse(document.RootElement, prospectId, prospectOptions);
            if (errors.Count > 0)
            {
                await ApiErrors.WriteAsync(context, StatusCodes.Status422UnprocessableEntity, errors);
                return;
            }

            // One prospect per email unless the org allows purposeful duplicates (docs/reference/outreach-prospect-creation.md).
            var updated = store.ApplyKeepingEmailsUnique(prospectId, changes, options.Value.ProspectCreation.AllowsDuplicateEmails(prospectOptions), out var emailTaken);
            if (emailTaken)
            {
                await ApiErrors.WriteAsync(context, StatusCodes.Status422UnprocessableEntity, ProspectCreation.EmailHashDuplicate());
                return;
            }

            await ProspectDocument.WriteAsync(context, updated!, fields: null);
        }
    }

    private static async Task GetAsync(HttpContext context, string id, ProspectStore store)
    {
        if (await RefuseScopeAsync(context, "read"))
        {
            return;
        }

        if (ParseId(id) is not { } prospectId || store.Get(prospectId) is not { } prospect)
        {
            await ApiErrors.WriteAsync(context, StatusCodes.Status404NotFound, ApiErrors.NotFound("prospect", id));
            return;
        }

        var query = ProspectQuery.Parse(context.Request.Query, out _);
        await ProspectDocument.WriteAsync(context, prospect, query?.Fields);
    }

    private static async Task ListAsync(HttpContext context, ProspectStore store, IOptions<SandboxOptions> options)
    {
        if (await RefuseScopeAsync(context, "read"))
        {
            return;
        }

        if (ProspectQuery.Parse(context.Request.Query, options.Value.Prospects, out var status, out var problem) is not { } query)
        {
            await ApiErrors.WriteAsync(context, status, ApiErrors.BadFilter(status, problem!));
            return;
        }

        // Ids are 1..Count (seeded, then created), so walking candidates in order gives sorted results and a simple cursor (the last id).
        var page = new List<ProspectSnapshot>(query.PageSize);
        var more = false;
        var candidates = query.CandidateIds(store.Count);
        if (query.Emails is { } emails)
        {
            var matching = store.FindByEmails(emails).ToHashSet();
            candidates = candidates.Where(matching.Contains);
        }

        foreach (var id in candidates)
        {
            if (store.Get(id) is not { } prospect)
            {
                continue;
            }

            if (page.Count == query.PageSize)
            {
                more = true;
                break;
            }

            page.Add(prospect);
        }

        string? next = null;
        if (more)
        {
            var parameters = context.Request.Query
                .Where(pair => pair.Key != "page[after]")
                .SelectMany(pair => pair.Value.Select(value => KeyValuePair.Create(pair.Key, value)))
                .Append(KeyValuePair.Create("page[after]", (string?)page[^1].Id.ToString(CultureInfo.InvariantCulture)));
            next = QueryHelpers.AddQueryString($"{context.Request.Scheme}://{context.Request.Host}/api/v2/prospects", parameters);
        }

        await ProspectDocument.WriteListAsync(context, page, query.Fields, next);
    }

    private static Task<bool> RefuseScopeAsync(HttpContext context, string action) => ScopeCheck.RefuseAsync(context, ("prospects", action));

    internal static bool IsJsonApi(string? contentType) =>
        contentType is not null
        && Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var mediaType)
        && mediaType.MediaType.Equals(ApiErrors.MediaType, StringComparison.OrdinalIgnoreCase);

    private static long? ParseId(string id) =>
        long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : null;
}
