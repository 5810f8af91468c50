using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Outreach.Sandbox.Api;
using Outreach.Sandbox.Prospects;

namespace Outreach.Sandbox.Sequences;

/// <summary>
/// Maps the sequence resources (docs/reference/outreach-sequences.md): <c>GET /sequences[/{id}]</c>,
/// <c>GET /sequenceSteps</c>, <c>GET /mailboxes[/{id}]</c>, <c>POST /sequenceStates</c> (enrol one prospect),
/// <c>GET /sequenceStates[/{id}]</c>, <c>POST /sequenceStates/{id}/actions/finish|pause|resume</c> and
/// <c>DELETE /sequenceStates/{id}</c>.
/// </summary>
/// <remarks>
/// Enrolling starts a sequence's automation (emails go out) on a real org, so every enrolment is counted per
/// (prospect, sequence) and a test that enrols someone twice fails when its sandbox is disposed.
/// </remarks>
internal static class SequenceEndpoints
{
    private static readonly string[] StateActions = ["finish", "pause", "resume"];

    public static void MapSequences(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/v2/sequences", ListSequencesAsync);
        routes.MapGet("/api/v2/sequences/{id}", GetSequenceAsync);
        routes.MapGet("/api/v2/sequenceSteps", ListStepsAsync);
        routes.MapGet("/api/v2/mailboxes", ListMailboxesAsync);
        routes.MapGet("/api/v2/mailboxes/{id}", GetMailboxAsync);
        routes.MapPost("/api/v2/sequenceStates", EnrolAsync);
        routes.MapGet("/api/v2/sequenceStates", ListStatesAsync);
        routes.MapGet("/api/v2/sequenceStates/{id}", GetStateAsync);
        routes.MapPost("/api/v2/sequenceStates/{id}/actions/{action}", ActAsync);
        routes.MapDelete("/api/v2/sequenceStates/{id}", DeleteAsync);
    }

    private static async Task ListSequencesAsync(HttpContext context, SequenceStore store)
    {
        if (await ScopeCheck.RefuseAsync(context, (store.Options.SequencesScope, "read")))
        {
            return;
        }

        var ids = IdList(context.Request.Query["filter[id]"]);
        await WritePageAsync(context, store.AllSequences().Where(s => ids is null || ids.Contains(s.Id)), s => s.Id, SequenceDocument.WriteSequence);
    }

    private static async Task GetSequenceAsync(HttpContext context, string id, SequenceStore store)
    {
        if (await ScopeCheck.RefuseAsync(context, (store.Options.SequencesScope, "read")))
        {
            return;
        }

        if (ParseId(id) is not { } sequenceId || store.Sequence(sequenceId) is not { } sequence)
        {
            await ApiErrors.WriteAsync(context, StatusCodes.Status404NotFound, ApiErrors.NotFound("sequence", id));
            return;
        }

        await SequenceDocument.WriteOneAsync(context, sequence, SequenceDocument.WriteSequence);
    }

    /// <summary><c>filter[sequence][id]</c>: the sandbox's one step per sequence, which tells whether it sends emails.</summary>
    private static async Task ListStepsAsync(HttpContext context, SequenceStore store)
    {
        if (await ScopeCheck.RefuseAsync(context, (store.Options.SequencesScope, "read")))
        {
            return;
        }

        var ids = IdList(context.Request.Query["filter[sequence][id]"]);
        await WritePageAsync(context, store.AllSequences().Where(s => ids is null || ids.Contains(s.Id)), s => s.Id, SequenceDocument.WriteStep);
    }

    private static async Task ListMailboxesAsync(HttpContext context, SequenceStore store)
    {
        if (await ScopeCheck.RefuseAsync(context, (store.Options.MailboxesScope, "read")))
        {
            return;
        }

        var ids = IdList(context.Request.Query["filter[id]"]);
        await WritePageAsync(context, store.AllMailboxes().Where(m => ids is null || ids.Contains(m.Id)), m => m.Id, SequenceDocument.WriteMailbox);
    }

    private static async Task GetMailboxAsync(HttpContext context, string id, SequenceStore store)
    {
        if (await ScopeCheck.RefuseAsync(context, (store.Options.MailboxesScope, "read")))
        {
            return;
        }

        if (ParseId(id) is not { } mailboxId || store.Mailbox(mailboxId) is not { } mailbox)
        {
            await ApiErrors.WriteAsync(context, StatusCodes.Status404NotFound, ApiErrors.NotFound("mailbox", id));
            return;
        }

        await SequenceDocument.WriteOneAsync(context, mailbox, SequenceDocument.WriteMailbox);
    }

    /// <summary>
    /// Enrols one prospect: relationships <c>prospect</c>, <c>sequence</c>, <c>mailbox</c>. A missing or unknown one is a
    /// 422 with its pointer; a ruleset refusal is a 422 on <c>/data</c> with the sandbox's text.
    /// </summary>
    private static async Task EnrolAsync(HttpContext context, SequenceStore store, ProspectStore prospects)
    {
        if (await ScopeCheck.RefuseAsync(context, (store.Options.SequenceStatesScope, "write")))
        {
            return;
        }

        if (await JsonApiRequest.RefusedAsNotJsonApiAsync(context))
        {
            return;
        }

        if (await JsonApiRequest.ReadBodyAsync(context) is not { } document)
        {
            return;
        }

        long? prospectId, sequenceId, mailboxId;
        var errors = new List<ApiError>();
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object)
            {
                await ApiErrors.WriteAsync(context, StatusCodes.Status422UnprocessableEntity, ApiErrors.Validation("/data", "The body must be a JSON:API document with a 'data' object."));
                return;
            }

            if (!data.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String || type.GetString() != "sequenceState")
            {
                errors.Add(ApiErrors.Validation("/data/type", "The resource 'type' must be 'sequenceState'."));
            }

            prospectId = Related(data, "prospect", errors);
            sequenceId = Related(data, "sequence", errors);
            // The spec marks no relationship required, but every integration passes a mailbox; the sandbox insists (a choice).
            mailboxId = Related(data, "mailbox", errors);
        }

        if (prospectId is { } p && prospects.Get(p) is null)
        {
            errors.Add(Unknown("prospect", p));
        }

        if (sequenceId is { } s && store.Sequence(s) is null)
        {
            errors.Add(Unknown("sequence", s));
        }

        if (mailboxId is { } m && store.Mailbox(m) is null)
        {
            errors.Add(Unknown("mailbox", m));
        }

        if (errors.Count > 0)
        {
            await ApiErrors.WriteAsync(context, StatusCodes.Status422UnprocessableEntity, errors);
            return;
        }

        var result = store.Enrol(prospectId!.Value, sequenceId!.Value, mailboxId!.Value, viaBulkAction: false);
        if (result.State is not { } state)
        {
            await ApiErrors.WriteAsync(context, StatusCodes.Status422UnprocessableEntity, ApiErrors.Validation("/data", result.Refusal!));
            return;
        }

        context.Response.Headers.Location = string.Create(CultureInfo.InvariantCulture, $"{context.Request.Scheme}://{context.Request.Host}/api/v2/sequenceStates/{state.Id}");
        await SequenceDocument.WriteOneAsync(context, state, SequenceDocument.WriteState, StatusCodes.Status201Created);
    }

    /// <summary>
    /// Filters by relationship id only (<c>filter[prospect][id]</c>, <c>filter[sequence][id]</c>, <c>filter[mailbox][id]</c>),
    /// <c>filter[state]</c> and <c>filter[id]</c>. Filtering by a relationship's other attributes was deprecated in 2023: 400.
    /// </summary>
    private static async Task ListStatesAsync(HttpContext context, SequenceStore store)
    {
        if (await ScopeCheck.RefuseAsync(context, (store.Options.SequenceStatesScope, "read")))
        {
            return;
        }

        var query = context.Request.Query;
        var known = new HashSet<string>(StringComparer.Ordinal) { "filter[prospect][id]", "filter[sequence][id]", "filter[mailbox][id]", "filter[state]", "filter[id]" };
        if (query.Keys.FirstOrDefault(key => key.StartsWith("filter[", StringComparison.Ordinal) && !known.Contains(key)) is { } unsupported)
        {
            await ApiErrors.WriteAsync(context, StatusCodes.Status400BadRequest, ApiErrors.BadFilter(
                StatusCodes.Status400BadRequest, $"'{unsupported}' is not supported: relationships are filtered by id only."));
            return;
        }

        long? One(string key) => query[key].Count == 0 ? null : ParseId(query[key].ToString()) ?? -1;
        var (prospectId, sequenceId, mailboxId) = (One("filter[prospect][id]"), One("filter[sequence][id]"), One("filter[mailbox][id]"));
        if (prospectId == -1 || sequenceId == -1 || mailboxId == -1)
        {
            await ApiErrors.WriteAsync(context, StatusCodes.Status400BadRequest, ApiErrors.BadFilter(StatusCodes.Status400BadRequest, "A relationship filter takes one id."));
            return;
        }

        var ids = IdList(query["filter[id]"]);
        var state = query["filter[state]"].Count > 0 ? query["filter[state]"].ToString() : null;
        var matching = store.States(prospectId, sequenceId, mailboxId, state, after: 0, take: int.MaxValue).Where(s => ids is null || ids.Contains(s.Id));
        await WritePageAsync(context, matching, s => s.Id, SequenceDocument.WriteState);
    }

    private static async Task GetStateAsync(HttpContext context, string id, SequenceStore store)
    {
        if (await ScopeCheck.RefuseAsync(context, (store.Options.SequenceStatesScope, "read")))
        {
            return;
        }

        if (ParseId(id) is not { } stateId || store.State(stateId) is not { } state)
        {
            await ApiErrors.WriteAsync(context, StatusCodes.Status404NotFound, ApiErrors.NotFound("sequenceState", id));
            return;
        }

        await SequenceDocument.WriteOneAsync(context, state, SequenceDocument.WriteState);
    }

    private static async Task ActAsync(HttpContext context, string id, string action, SequenceStore store)
    {
        if (!StateActions.Contains(action, StringComparer.Ordinal))
        {
            await ApiErrors.WriteAsync(context, StatusCodes.Status404NotFound, new ApiError { Id = "resourceNotFound", Title = "Resource Not Found", Detail = $"sequenceState has no action '{action}'." });
            return;
        }

        if (await ScopeCheck.RefuseAsync(context, (store.Options.SequenceStatesScope, "write")))
        {
            return;
        }

        var (state, problem) = ParseId(id) is { } stateId ? store.Act(stateId, action) : (null, null);
        if (state is null)
        {
            await ApiErrors.WriteAsync(context, StatusCodes.Status404NotFound, ApiErrors.NotFound("sequenceState", id));
        }
        else if (problem is not null)
        {
            await ApiErrors.WriteAsync(context, StatusCodes.Status422UnprocessableEntity, new ApiError { Id = "validationError", Title = "Validation Error", Detail = problem });
        }
        else
        {
            await SequenceDocument.WriteOneAsync(context, state, SequenceDocument.WriteState);
        }
    }

    /// <summary>Deleting a state lets the prospect be added to that sequence again (finishing keeps the history). Scope <c>sequenceStates.delete</c>.</summary>
    private static async Task DeleteAsync(HttpContext context, string id, SequenceStore store)
    {
        if (await ScopeCheck.RefuseAsync(context, (store.Options.SequenceStatesScope, "delete")))
        {
            return;
        }

        if (ParseId(id) is not { } stateId || !store.Delete(stateId))
        {
            await ApiErrors.WriteAsync(context, StatusCodes.Status404NotFound, ApiErrors.NotFound("sequenceState", id));
            return;
        }

        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    /// <summary>Reads <c>relationships.NAME.data.id</c>; adds a 422 with the relationship's pointer when it is missing or not an id.</summary>
    private static long? Related(JsonElement data, string name, List<ApiError> errors)
    {
        if (data.TryGetProperty("relationships", out var relationships) && relationships.ValueKind == JsonValueKind.Object
            && relationships.TryGetProperty(name, out var relationship) && relationship.ValueKind == JsonValueKind.Object
            && relationship.TryGetProperty("data", out var target) && target.ValueKind == JsonValueKind.Object
            && target.TryGetProperty("id", out var id))
        {
            var value = id.ValueKind switch
            {
                JsonValueKind.Number when id.TryGetInt64(out var number) && number > 0 => number,
                JsonValueKind.String => ParseId(id.GetString() ?? ""),
                _ => null,
            };
            if (value is not null)
            {
                return value;
            }
        }

        errors.Add(ApiErrors.Validation("/data/relationships/" + name, $"The '{name}' relationship is required: {{\"data\":{{\"type\":\"{name}\",\"id\":…}}}}."));
        return null;
    }

    private static ApiError Unknown(string type, long id) =>
        ApiErrors.Validation("/data/relationships/" + type, string.Create(CultureInfo.InvariantCulture, $"Could not find '{type}' with ID '{id}'."));

    /// <summary>Writes one page of a list by ascending id: <c>page[size]</c> (default 50, at most 1000) and the <c>page[after]</c> cursor.</summary>
    private static async Task WritePageAsync<T>(HttpContext context, IEnumerable<T> items, Func<T, long> idOf, Action<Utf8JsonWriter, T, HttpRequest> write)
    {
        var query = context.Request.Query;
        var size = int.TryParse(query["page[size]"], NumberStyles.None, CultureInfo.InvariantCulture, out var s) && s > 0 ? Math.Min(s, ProspectQuery.MaxPageSize) : ProspectQuery.DefaultPageSize;
        var after = long.TryParse(query["page[after]"], NumberStyles.None, CultureInfo.InvariantCulture, out var a) ? a : 0;
        var page = items.Where(item => idOf(item) > after).OrderBy(idOf).Take(size + 1).ToList();
        string? next = null;
        if (page.Count > size)
        {
            page.RemoveAt(size);
            var parameters = query
                .Where(pair => pair.Key != "page[after]")
                .SelectMany(pair => pair.Value.Select(value => KeyValuePair.Create(pair.Key, value)))
                .Append(KeyValuePair.Create("page[after]", (string?)idOf(page[^1]).ToString(CultureInfo.InvariantCulture)));
            next = QueryHelpers.AddQueryString($"{context.Request.Scheme}://{context.Request.Host}{context.Request.Path}", parameters);
        }

        await SequenceDocument.WriteListAsync(context, page, write, next);
    }

    private static HashSet<long>? IdList(Microsoft.Extensions.Primitives.StringValues values) =>
        values.Count == 0
            ? null
            : [.. values.SelectMany(value => (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                .Select(part => ParseId(part) ?? -1)];

    internal static long? ParseId(string id) =>
        long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : null;
}
