using System.Globalization;
using System.Text.Json;
using Outreach.Sandbox.Api;
using Outreach.Sandbox.Batches;
using Outreach.Sandbox.Faults;
using Outreach.Sandbox.Imports;
using Outreach.Sandbox.OAuth;
using Outreach.Sandbox.Prospects;
using Outreach.Sandbox.RateLimiting;
using Outreach.Sandbox.Sequences;

namespace Outreach.Sandbox.Admin;

/// <summary>
/// The sandbox-only control surface under <c>/admin</c> (no authentication: the sandbox listens on loopback).
/// Outreach has nothing like it; tests and benchmarks use it to inject faults and to see what "Outreach saw".
/// </summary>
internal static class AdminEndpoints
{
    public static void MapAdmin(this IEndpointRouteBuilder routes)
    {
        var admin = routes.MapGroup("/admin").DisableAntiforgery();
        admin.MapGet("/faults", (FaultInjector faults) => Results.Json(faults.Current, SandboxJson.Context.FaultSettings));
        admin.MapPut("/faults", PutFaultsAsync);
        admin.MapDelete("/faults", (FaultInjector faults) => Results.Json(faults.Apply(new FaultSettings()), SandboxJson.Context.FaultSettings));
        admin.MapPost("/users/{email}/revoke", Revoke);
        admin.MapGet("/requests", ReadRequests);
        admin.MapGet("/counters", Counters);
        admin.MapPost("/reset", Reset);
        admin.MapGet("/prospects/{id:long}", GetProspectAsync);
    }

    private static async Task<IResult> PutFaultsAsync(HttpContext context, FaultInjector faults)
    {
        FaultSettings? settings;
        try
        {
            settings = await JsonSerializer.DeserializeAsync(context.Request.Body, SandboxJson.Context.FaultSettings, context.RequestAborted);
        }
        catch (JsonException exception)
        {
            return Problem($"The body is not a fault settings object: {exception.Message}");
        }

        if (settings is null)
        {
            return Problem("The body is empty.");
        }

        var problems = settings.Validate();
        return problems.Count > 0
            ? Problem(string.Join(' ', problems))
            : Results.Json(faults.Apply(settings), SandboxJson.Context.FaultSettings);
    }

    private static IResult Revoke(string email, UserDirectory users, TokenStore tokens)
    {
        if (users.Find(email) is not { } user)
        {
            return Problem($"No sandbox user has the email '{email}'.", StatusCodes.Status404NotFound);
        }

        return Results.Json(new RevokeResult(user.Email, tokens.RevokeUser(user.Email)), SandboxJson.Context.RevokeResult);
    }

    private static IResult ReadRequests(RequestLog log, long? after, int? limit) =>
        Results.Json(log.Read(after ?? 0, Math.Clamp(limit ?? 10_000, 1, 100_000)), SandboxJson.Context.IReadOnlyListRequestLogEntry);

    private static IResult Counters(
        RequestLog log, UserRateLimiter limiter, ProspectStore prospects, TokenStore tokens, BatchStore batches, ImportStore imports,
        ProspectCreationLedger creations, SequenceStore sequences)
    {
        var (total, byStatus, byFault, users) = log.Counters();
        return Results.Json(
            new SandboxCounters
            {
                TotalRequests = total,
                ByStatus = byStatus,
                ByFault = byFault,
                Users = users,
                RateLimitWindows = limiter.Windows(),
                ProspectsPatched = prospects.Patched,
                Bulk = batches.Counters(),
                Imports = imports.Counters(),
                ProspectCreation = creations.Counters(),
                Sequences = sequences.Counters(),
                OAuth = tokens.Counters(),
            },
            SandboxJson.Context.SandboxCounters);
    }

    /// <summary>
    /// Clears the request log, counters, batches and rate-limit windows, restores the start-up faults and the seeded prospects.
    /// Tokens survive (a connected client stays connected) unless <c>oauth=true</c>.
    /// </summary>
    private static IResult Reset(
        bool? oauth, RequestLog log, UserRateLimiter limiter, FaultInjector faults, ProspectStore prospects, TokenStore tokens, BatchStore batches,
        ImportStore imports, ProspectCreationLedger creations, SequenceStore sequences)
    {
        batches.Reset();
        imports.Reset();
        creations.Reset();
        sequences.Reset();
        log.Clear();
        limiter.Reset();
        faults.Reset();
        prospects.Reset();
        if (oauth == true)
        {
            tokens.Clear();
        }

        return Results.NoContent();
    }

    private static async Task GetProspectAsync(HttpContext context, long id, ProspectStore prospects)
    {
        if (prospects.Get(id) is not { } prospect)
        {
            await ApiErrors.WriteAsync(context, StatusCodes.Status404NotFound, ApiErrors.NotFound("prospect", id.ToString(CultureInfo.InvariantCulture)));
            return;
        }

        await ProspectDocument.WriteAsync(context, prospect, fields: null);
    }

    private static IResult Problem(string detail, int status = StatusCodes.Status400BadRequest) =>
        Results.Json(
            new ApiErrorDocument([new ApiError { Id = "badRequest", Title = "Bad Request", Detail = detail }]),
            SandboxJson.Context.ApiErrorDocument,
            statusCode: status);
}
