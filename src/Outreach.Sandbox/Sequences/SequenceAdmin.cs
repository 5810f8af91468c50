using System.Text.Json;
using Outreach.Sandbox.Api;
using Outreach.Sandbox.Configuration;

namespace Outreach.Sandbox.Sequences;

/// <summary>
/// The sandbox-only admin surface for sequences: what was enrolled (<c>GET /admin/enrolments</c>), and the org's
/// sequences and mailboxes, changed at runtime (<c>PUT /admin/sequences/{id}</c>, <c>PUT /admin/mailboxes/{id}</c>).
/// </summary>
internal static class SequenceAdmin
{
    public static void MapSequenceAdmin(this IEndpointRouteBuilder routes)
    {
        var admin = routes.MapGroup("/admin").DisableAntiforgery();
        admin.MapGet("/enrolments", (SequenceStore store, long? prospectId, long? sequenceId) =>
            Results.Json(store.Enrolments(prospectId, sequenceId), SandboxJson.Context.IReadOnlyListEnrolmentCount));
        admin.MapGet("/sequences", (SequenceStore store) => Results.Json(store.AllSequences(), SandboxJson.Context.IReadOnlyListSandboxSequence));
        admin.MapGet("/mailboxes", (SequenceStore store) => Results.Json(store.AllMailboxes(), SandboxJson.Context.IReadOnlyListSandboxMailbox));
        admin.MapPut("/sequences/{id:long}", PutSequenceAsync);
        admin.MapPut("/mailboxes/{id:long}", PutMailboxAsync);
    }

    private static async Task<IResult> PutSequenceAsync(HttpContext context, long id, SequenceStore store)
    {
        var sequence = await ReadAsync(context, SandboxJson.Context.SandboxSequence);
        if (sequence is null || id < 1)
        {
            return Problem("The body must be a sequence: {\"name\":…,\"enabled\":true,\"hasEmailSteps\":true}, and the id positive.");
        }

        sequence.Id = id;
        store.Put(sequence);
        return Results.Json(store.Sequence(id), SandboxJson.Context.SandboxSequence);
    }

    private static async Task<IResult> PutMailboxAsync(HttpContext context, long id, SequenceStore store)
    {
        var mailbox = await ReadAsync(context, SandboxJson.Context.SandboxMailbox);
        if (mailbox is null || id < 1)
        {
            return Problem("The body must be a mailbox: {\"email\":…,\"sendingEnabled\":true}, and the id positive.");
        }

        mailbox.Id = id;
        store.Put(mailbox);
        return Results.Json(store.Mailbox(id), SandboxJson.Context.SandboxMailbox);
    }

    private static async Task<T?> ReadAsync<T>(HttpContext context, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
        where T : class
    {
        try
        {
            return await JsonSerializer.DeserializeAsync(context.Request.Body, type, context.RequestAborted);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static IResult Problem(string detail) =>
        Results.Json(
            new ApiErrorDocument([new ApiError { Id = "badRequest", Title = "Bad Request", Detail = detail }]),
            SandboxJson.Context.ApiErrorDocument,
            statusCode: StatusCodes.Status400BadRequest);
}
