using System.Text.Json;
using Microsoft.Extensions.Options;
using Outreach.Sandbox.Api;
using Outreach.Sandbox.Configuration;

namespace Outreach.Sandbox.Prospects;

/// <summary>
/// <c>POST /api/v2/prospects</c> as Outreach answers it (docs/reference/outreach-prospect-creation.md): 201 with the new
/// prospect; 422 when another prospect holds the email (unless the org allows purposeful duplicates) or the email's
/// domain is refused; and, as a fault, a create that is applied but whose answer never arrives.
/// </summary>
/// <remarks>
/// Checks run in this order: scope (403), content type (415), unparsable JSON (400), body validation (422, every problem
/// at once), refused domain (422), taken email (422). There is no idempotency key: a retried create is a new create.
/// </remarks>
internal static class ProspectCreation
{
    /// <summary>The text Outreach answers to a create with a taken email (seen in public integrations).</summary>
    public const string EmailTakenDetail = "Contacts email hash has already been taken.";

    /// <summary>The text Outreach answers to a PATCH that would give a prospect another prospect's email.</summary>
    public const string DuplicateEmailDetail = "A Contact with this email_hash already exists.";

    /// <summary>The text Outreach answers to a create with an email in a refused (excluded) domain.</summary>
    public const string ExcludedEmailDetail = "Contacts contact is using an excluded email address.";

    /// <summary>The relationships a prospect create may carry (docs/reference/outreach-prospect-creation.md); accepted, not stored.</summary>
    private static readonly HashSet<string> WritableRelationships = new(StringComparer.Ordinal) { "account", "owner", "stage", "persona" };

    public static void MapProspectCreation(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/api/v2/prospects", CreateAsync);
        routes.MapGet("/admin/prospectCreations", (ProspectCreationLedger ledger, string? email) =>
            Results.Json(ledger.ByEmail(email), SandboxJson.Context.IReadOnlyListEmailCreations));
    }

    /// <summary>The 422 of a PATCH that would duplicate an email (a different id and text than the create's).</summary>
    public static ApiError EmailHashDuplicate() => new()
    {
        Id = "validationDuplicateValueError",
        Title = "Validation Duplicate Value Error",
        Detail = DuplicateEmailDetail,
        Source = new ApiErrorSource("/data/attributes/emails"),
    };

    private static async Task CreateAsync(
        HttpContext context, ProspectStore store, ProspectCreationLedger ledger, IOptions<SandboxOptions> options, TimeProvider time)
    {
        var sandbox = options.Value;
        if (await ScopeCheck.RefuseAsync(context, ("prospects", "write")))
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

        using (document)
        {
            var (attributes, errors) = Parse(document.RootElement, sandbox.Prospects);
            if (errors.Count > 0)
            {
                await ApiErrors.WriteAsync(context, StatusCodes.Status422UnprocessableEntity, errors);
                return;
            }

            var emails = ProspectStore.EmailsIn(attributes);
            if (emails.Any(email => IsExcluded(email, sandbox.ProspectCreation.ExcludedEmailDomains)))
            {
                ledger.RefusedExcludedDomain();
                await ApiErrors.WriteAsync(context, StatusCodes.Status422UnprocessableEntity, ApiErrors.Validation("/data", ExcludedEmailDetail));
                return;
            }

            var created = store.Create(attributes, sandbox.ProspectCreation.AllowsDuplicateEmails(sandbox.Prospects), out var otherHolders);
            if (created is null)
            {
                ledger.RefusedEmailTaken();
                await ApiErrors.WriteAsync(context, StatusCodes.Status422UnprocessableEntity, ApiErrors.Validation("/data/attributes/emails", EmailTakenDetail));
                return;
            }

            ledger.Created(created.Id, emails, otherHolders);
            if (ledger.DropsAnswer())
            {
                await DropAnswerAsync(context, sandbox.ProspectCreation, time);
                return;
            }

            context.Response.Headers.Location = $"{context.Request.Scheme}://{context.Request.Host}/api/v2/prospects/{created.Id}";
            await ProspectDocument.WriteAsync(context, created, fields: null, StatusCodes.Status201Created);
        }
    }

    /// <summary>Validates the create body: every problem becomes a 422 <c>validationError</c> with its pointer.</summary>
    private static (List<KeyValuePair<string, JsonElement>> Attributes, List<ApiError> Errors) Parse(JsonElement root, ProspectOptions options)
    {
        var attributes = new List<KeyValuePair<string, JsonElement>>();
        var errors = new List<ApiError>();
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object)
        {
            errors.Add(ApiErrors.Validation("/data", "The body must be a JSON:API document with a 'data' object."));
            return (attributes, errors);
        }

        if (!data.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String || type.GetString() != "prospect")
        {
            errors.Add(ApiErrors.Validation("/data/type", "The resource 'type' must be 'prospect'."));
        }

        // A sandbox choice: Outreach assigns ids; a client-chosen one is refused rather than silently ignored.
        if (data.TryGetProperty("id", out _))
        {
            errors.Add(ApiErrors.Validation("/data/id", "A new prospect cannot be given an 'id'; Outreach assigns it."));
        }

        if (data.TryGetProperty("attributes", out var given))
        {
            if (given.ValueKind != JsonValueKind.Object)
            {
                errors.Add(ApiErrors.Validation("/data/attributes", "'attributes' must be an object."));
            }
            else
            {
                foreach (var attribute in given.EnumerateObject())
                {
                    if (ProspectPatchParser.Check(attribute.Name, attribute.Value, options) is { } problem)
                    {
                        errors.Add(ApiErrors.Validation("/data/attributes/" + attribute.Name, problem));
                    }
                    else if (attribute.Value.ValueKind != JsonValueKind.Null)
                    {
                        attributes.Add(KeyValuePair.Create(attribute.Name, attribute.Value));
                    }
                }
            }
        }

        if (data.TryGetProperty("relationships", out var relationships))
        {
            CheckRelationships(relationships, errors);
        }

        return (attributes, errors);
    }

    private static void CheckRelationships(JsonElement relationships, List<ApiError> errors)
    {
        if (relationships.ValueKind != JsonValueKind.Object)
        {
            errors.Add(ApiErrors.Validation("/data/relationships", "'relationships' must be an object."));
            return;
        }

        foreach (var relationship in relationships.EnumerateObject())
        {
            var pointer = "/data/relationships/" + relationship.Name;
            if (!WritableRelationships.Contains(relationship.Name))
            {
                errors.Add(ApiErrors.Validation(pointer, $"'{relationship.Name}' is not a writable relationship of 'prospect'."));
            }
            else if (relationship.Value.ValueKind != JsonValueKind.Object || !relationship.Value.TryGetProperty("data", out var target)
                || !(target.ValueKind == JsonValueKind.Null
                    || (target.ValueKind == JsonValueKind.Object && target.TryGetProperty("type", out _) && target.TryGetProperty("id", out _))))
            {
                errors.Add(ApiErrors.Validation(pointer, $"'{relationship.Name}' must be {{\"data\":{{\"type\":…,\"id\":…}}}} or {{\"data\":null}}."));
            }
        }
    }

    private static bool IsExcluded(string email, IList<string> domains)
    {
        var at = email.LastIndexOf('@');
        var domain = at < 0 ? "" : email[(at + 1)..];
        return domains.Any(refused => domain.Equals(refused, StringComparison.OrdinalIgnoreCase)
            || domain.EndsWith("." + refused, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// The fault: the prospect exists now, but the client gets no answer, exactly what a connection reset or a timeout
    /// after Outreach applied the create looks like. A client that simply retries makes a duplicate.
    /// </summary>
    private static async Task DropAnswerAsync(HttpContext context, ProspectCreationOptions options, TimeProvider time)
    {
        context.Features.Get<RequestTrace>()?.Fault = "droppedAnswer";
        if (options.DroppedAnswer == DroppedAnswerKind.Timeout)
        {
            // Hang until the client gives up; stopping the sandbox (end of a test) ends the hang too.
            var stopping = context.RequestServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
            using var hang = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
            try
            {
                await Task.Delay(options.DroppedAnswerHang, time, hang.Token);
            }
            catch (OperationCanceledException)
            {
                // The client left or the sandbox stops: either way no answer is sent.
            }
        }

        context.Abort();
    }
}
