using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Outreach.Sandbox.Api;
using Outreach.Sandbox.Batches;
using Outreach.Sandbox.Configuration;
using Outreach.Sandbox.Prospects;
using Outreach.Sandbox.RateLimiting;

namespace Outreach.Sandbox.Sequences;

/// <summary>
/// The sequence bulk actions, processed like <c>prospectsBulkModify</c> (a batch to poll, one batch item per prospect,
/// failed items carrying the reason): <c>prospectsAddToSequence</c>, <c>prospectsFinishAll</c>, <c>prospectsPauseAll</c>
/// (docs/reference/outreach-sequences.md).
/// </summary>
/// <remarks>
/// Faithful to the dangerous parts: without an id filter in the query the action selects EVERY prospect (counted as
/// <c>bulk.unfiltered</c>, which fails the test on dispose), and finishAll/pauseAll act on every sequence of each
/// prospect, not one.
/// </remarks>
internal static class SequenceBulkActions
{
    public const string AddToSequence = "prospectsAddToSequence";
    public const string FinishAll = "prospectsFinishAll";
    public const string PauseAll = "prospectsPauseAll";

    public static void MapSequenceBulkActions(this IEndpointRouteBuilder routes)
    {
        foreach (var action in new[] { AddToSequence, FinishAll, PauseAll })
        {
            routes.MapPost("/api/v2/batches/actions/" + action, (HttpContext context) => RunAsync(context, action));
        }
    }

    private static async Task RunAsync(HttpContext context, string action)
    {
        var services = new Services(context.RequestServices);
        var sandbox = services.Options.Value;
        var store = services.Sequences;
        if (await ScopeCheck.RefuseAsync(context, ("batches", "read"), ("batches", "write"), ("prospects", "write"), (store.Options.SequenceStatesScope, "write")))
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

        JsonDocument? document = null;
        try
        {
            // finishAll and pauseAll need no body; an empty one is accepted.
            if (context.Request.ContentLength is not 0)
            {
                document = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
            }
        }
        catch (JsonException)
        {
            await ApiErrors.WriteAsync(context, StatusCodes.Status400BadRequest, new ApiError { Id = "badRequest", Title = "Bad Request", Detail = "The request body is not valid JSON." });
            return;
        }

        using (document)
        {
            var attributes = document?.RootElement is { ValueKind: JsonValueKind.Object } root && root.TryGetProperty("data", out var data)
                && data.ValueKind == JsonValueKind.Object && data.TryGetProperty("attributes", out var given) && given.ValueKind == JsonValueKind.Object
                    ? given
                    : (JsonElement?)null;
            var errors = new List<ApiError>();
            var bodyIds = ReadIds(attributes, errors);
            Func<long, string?> itemAction;
            var payload = new List<KeyValuePair<string, JsonElement>>();
            if (action == AddToSequence)
            {
                var sequenceId = ReadId(attributes, "sequenceId", errors);
                var mailboxId = ReadId(attributes, "mailboxId", errors);
                if (sequenceId is { } s && store.Sequence(s) is null)
                {
                    errors.Add(ApiErrors.Validation("/data/attributes/sequenceId", string.Create(CultureInfo.InvariantCulture, $"Could not find 'sequence' with ID '{s}'.")));
                }

                if (mailboxId is { } m && store.Mailbox(m) is null)
                {
                    errors.Add(ApiErrors.Validation("/data/attributes/mailboxId", string.Create(CultureInfo.InvariantCulture, $"Could not find 'mailbox' with ID '{m}'.")));
                }

                if (errors.Count > 0)
                {
                    await ApiErrors.WriteAsync(context, StatusCodes.Status422UnprocessableEntity, errors);
                    return;
                }

                var (sequence, mailbox) = (sequenceId!.Value, mailboxId!.Value);
                payload.Add(KeyValuePair.Create("sequenceId", Number(sequence)));
                payload.Add(KeyValuePair.Create("mailboxId", Number(mailbox)));
                // The ruleset is applied when the item is processed, so the refusal lands in the batch item's info.
                itemAction = prospectId => store.Enrol(prospectId, sequence, mailbox, viaBulkAction: true).Refusal;
            }
            else
            {
                if (errors.Count > 0)
                {
                    await ApiErrors.WriteAsync(context, StatusCodes.Status422UnprocessableEntity, errors);
                    return;
                }

                var finish = action == FinishAll;
                itemAction = prospectId =>
                {
                    store.ActOnAll(prospectId, finish);
                    return null;
                };
            }

            // As for prospectsBulkModify: the query filter selects; body ids only when told to honour them; otherwise EVERY prospect.
            var targets = queryIds ?? (sandbox.Bulk.HonourBodyIds && bodyIds is { Count: > 0 } ? bodyIds.Distinct().ToList() : null);
            var unfiltered = targets is null;
            targets ??= [.. Enumerable.Range(1, services.Prospects.Count).Select(id => (long)id)];
            var batch = services.Batches.Create(targets, payload, skipConfirmation, hadQueryFilter: queryIds is not null, unfiltered, action, itemAction);

            if (sandbox.Bulk.RateLimitCost == BulkRateLimitCost.PerItem && batch.Total > 1 && context.Features.Get<ApiCaller>() is { } caller)
            {
                // The gateway charged the call itself; the other items are charged now and the headers say so.
                var decision = services.Limiter.Charge(caller.UserEmail, batch.Total - 1);
                RateLimitHeaders.Apply(context.Response, decision, sandbox.RateLimit, services.Time.GetUtcNow());
            }

            await BatchDocument.WriteBatchAsync(context, services.Batches, batch.Id);
        }
    }

    private static long? ReadId(JsonElement? attributes, string name, List<ApiError> errors)
    {
        if (attributes is { } given && given.TryGetProperty(name, out var value))
        {
            if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) && number > 0)
            {
                return number;
            }

            if (value.ValueKind == JsonValueKind.String && SequenceEndpoints.ParseId(value.GetString() ?? "") is { } parsed)
            {
                return parsed;
            }
        }

        errors.Add(ApiErrors.Validation("/data/attributes/" + name, $"'{name}' is required: the id of the {name[..^2]}."));
        return null;
    }

    private static List<long>? ReadIds(JsonElement? attributes, List<ApiError> errors)
    {
        if (attributes is not { } given || !given.TryGetProperty("ids", out var array))
        {
            return null;
        }

        if (array.ValueKind != JsonValueKind.Array)
        {
            errors.Add(ApiErrors.Validation("/data/attributes/ids", "'ids' must be an array of prospect ids."));
            return null;
        }

        var ids = new List<long>();
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.Number && item.TryGetInt64(out var number))
            {
                ids.Add(number);
            }
            else if (item.ValueKind == JsonValueKind.String && SequenceEndpoints.ParseId(item.GetString() ?? "") is { } parsed)
            {
                ids.Add(parsed);
            }
            else
            {
                errors.Add(ApiErrors.Validation("/data/attributes/ids", "'ids' must be an array of prospect ids."));
                return null;
            }
        }

        return ids;
    }

    private static JsonElement Number(long value)
    {
        using var document = JsonDocument.Parse(value.ToString(CultureInfo.InvariantCulture));
        return document.RootElement.Clone();
    }

    /// <summary>The services one bulk call needs.</summary>
    private sealed class Services(IServiceProvider provider)
    {
        public SequenceStore Sequences { get; } = provider.GetRequiredService<SequenceStore>();

        public BatchStore Batches { get; } = provider.GetRequiredService<BatchStore>();

        public ProspectStore Prospects { get; } = provider.GetRequiredService<ProspectStore>();

        public UserRateLimiter Limiter { get; } = provider.GetRequiredService<UserRateLimiter>();

        public IOptions<SandboxOptions> Options { get; } = provider.GetRequiredService<IOptions<SandboxOptions>>();

        public TimeProvider Time { get; } = provider.GetRequiredService<TimeProvider>();
    }
}
