using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Outreach.Sandbox.Api;
using Outreach.Sandbox.Configuration;
using Outreach.Sandbox.Prospects;
using Outreach.Sandbox.RateLimiting;

namespace Outreach.Sandbox.Imports;

/// <summary>
/// Maps <c>POST /api/v2/imports/actions/bulkUpsert</c>, <c>GET /api/v2/imports/{id}</c> and the sandbox-only
/// <c>GET /admin/imports</c> (docs/reference/outreach-imports.md).
/// </summary>
/// <remarks>
/// Faithful to the dangerous part: with any dupe method but <c>overwriteNoCreate</c>, a record whose id no prospect
/// has CREATES a prospect. Such creations are counted (<c>imports.prospectsCreated</c> in <c>GET /admin/counters</c>)
/// and fail the test that owns the sandbox unless it expected them. Checks run in this order (after the gateway's
/// token, rate limit and faults): scope (403), content type (415), unparsable JSON (400), body (422).
/// </remarks>
internal static class ImportEndpoints
{
    public static void MapImports(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/api/v2/imports/actions/bulkUpsert", BulkUpsertAsync);
        routes.MapGet("/api/v2/imports/{id}", GetImportAsync);
        routes.MapGet("/admin/imports", (HttpContext context, ImportStore imports) => ImportDocument.WriteAdminAsync(context, imports));
    }

    private static async Task BulkUpsertAsync(
        HttpContext context, ImportStore imports, UserRateLimiter limiter, IOptions<SandboxOptions> options, TimeProvider time)
    {
        var sandbox = options.Value;
        if (await ScopeCheck.RefuseAsync(context, ImportOptions.SplitScope(sandbox.Imports.WriteScope)!.Value))
        {
            return;
        }

        if (await JsonApiRequest.RefusedAsNotJsonApiAsync(context))
        {
            return;
        }

        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body.GetBuffer().AsMemory(0, (int)body.Length));
        }
        catch (JsonException)
        {
            await ApiErrors.WriteAsync(context, StatusCodes.Status400BadRequest, new ApiError { Id = "badRequest", Title = "Bad Request", Detail = "The request body is not valid JSON." });
            return;
        }

        using (document)
        {
            var (request, errors) = BulkUpsertParser.Parse(document.RootElement, sandbox.Imports, sandbox.Prospects);
            if (request is null)
            {
                await ApiErrors.WriteAsync(context, StatusCodes.Status422UnprocessableEntity, errors);
                return;
            }

            var import = imports.Create(request, body.Length);
            if (sandbox.Imports.RateLimitCost == BulkRateLimitCost.PerItem && request.Records.Count > 1 && context.Features.Get<ApiCaller>() is { } caller)
            {
                // The gateway charged the call itself; the other records are charged now and the headers say so.
                var decision = limiter.Charge(caller.UserEmail, request.Records.Count - 1);
                RateLimitHeaders.Apply(context.Response, decision, sandbox.RateLimit, time.GetUtcNow());
            }

            await ImportDocument.WriteImportAsync(context, imports, import.Id);
        }
    }

    private static async Task GetImportAsync(HttpContext context, string id, ImportStore imports, IOptions<SandboxOptions> options)
    {
        if (await ScopeCheck.RefuseAsync(context, ImportOptions.SplitScope(options.Value.Imports.ReadScope)!.Value))
        {
            return;
        }

        if (!long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var importId) || imports.Get(importId) is null)
        {
            await ApiErrors.WriteAsync(context, StatusCodes.Status404NotFound, ApiErrors.NotFound("import", id));
            return;
        }

        await ImportDocument.WriteImportAsync(context, imports, importId);
    }
}
