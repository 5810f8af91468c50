using System.Text.Json.Serialization;

namespace Outreach.Sandbox.Api;

/// <summary>One JSON:API error object as Outreach writes it: <c>{"id","title","detail","source":{"pointer"}}</c>.</summary>
public sealed record ApiError
{
    /// <summary>The camelCase error code, e.g. <c>validationError</c>.</summary>
    public required string Id { get; init; }

    /// <summary>A short human title, e.g. <c>Validation Error</c>.</summary>
    public required string Title { get; init; }

    /// <summary>The human explanation.</summary>
    public string? Detail { get; init; }

    /// <summary>The explanation under the key <c>details</c>, as in one Outreach docs example (415 quirk).</summary>
    public string? Details { get; init; }

    /// <summary>Where in the request body the problem is.</summary>
    public ApiErrorSource? Source { get; init; }
}

/// <summary>The <c>source</c> member of a JSON:API error.</summary>
/// <param name="Pointer">A JSON pointer into the request body, e.g. <c>/data/attributes/custom7</c>.</param>
public sealed record ApiErrorSource([property: JsonPropertyName("pointer")] string Pointer);

/// <summary>The JSON:API error document: <c>{"errors":[…]}</c>.</summary>
/// <param name="Errors">The errors, at least one.</param>
public sealed record ApiErrorDocument(IReadOnlyList<ApiError> Errors);
