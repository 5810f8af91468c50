using System.Collections.Frozen;
using Outreach.Connector.Outreach;
using Outreach.Connector.Updates;

namespace Outreach.Connector.Mapping;

/// <summary>A validated <see cref="DestinationMapping"/> indexed for the ingest hot path.</summary>
public sealed class CompiledMapping
{
    private readonly FrozenDictionary<string, AudienceMapping> _audiences;
    private readonly FrozenDictionary<string, AudienceMapping>.AlternateLookup<ReadOnlySpan<char>> _audiencesBySpan;

    private CompiledMapping(DestinationMapping mapping)
    {
        IdentityMatchNames.TryParse(mapping.IdentityMatch, out var match);
        Match = match;
        IdentityNamespace = match == IdentityMatch.OutreachId ? mapping.IdentityNamespace?.Trim() ?? DefaultOutreachIdNamespace : null;
        EmailNamespace = match == IdentityMatch.Email && !string.IsNullOrWhiteSpace(mapping.IdentityNamespace) ? mapping.IdentityNamespace.Trim() : null;
        EmailSource = match == IdentityMatch.Email && !string.IsNullOrWhiteSpace(mapping.IdentitySource) ? mapping.IdentitySource.Trim().Split('.') : null;
        OutreachIdNamespace = match == IdentityMatch.Email && !string.IsNullOrWhiteSpace(mapping.OutreachIdNamespace) ? mapping.OutreachIdNamespace.Trim() : null;
        DuplicateEmailRuleNames.TryParse(mapping.DuplicateEmails, out var duplicates);
        DuplicateEmails = duplicates;
        CreateProspects = match == IdentityMatch.Email && NewProspectProblems.IsTrue(mapping.CreateProspects);
        NewProspectDefaults = NewProspectProblems.Compile(mapping.NewProspectDefaults, out var ownerId);
        NewProspectOwnerId = ownerId;
        _audiences = mapping.Audiences.ToFrozenDictionary(a => a.AudienceId, StringComparer.OrdinalIgnoreCase);
        _audiencesBySpan = _audiences.GetAlternateLookup<ReadOnlySpan<char>>();
        Attributes = [.. mapping.Attributes.Select(CompiledAttribute.From)];
        Realized = FieldValue.FromString(mapping.StatusValues.Realized);
        Existing = FieldValue.FromString(mapping.StatusValues.Existing);
        Exited = FieldValue.FromString(mapping.StatusValues.Exited);
        Sequences = SequenceProblems.Compile(mapping.Audiences);
    }

    /// <summary>The namespace read for Outreach ids when the mapping does not name one.</summary>
    public const string DefaultOutreachIdNamespace = "Oid";

    /// <summary>How profiles are matched to prospects.</summary>
    public IdentityMatch Match { get; }

    /// <summary>With <see cref="IdentityMatch.OutreachId"/>, the AEP namespace carrying the prospect id (compare case-insensitively); otherwise null.</summary>
    public string? IdentityNamespace { get; }

    /// <summary>With <see cref="IdentityMatch.Email"/>, the AEP namespace carrying the email, unless <see cref="EmailSource"/> is used.</summary>
    public string? EmailNamespace { get; }

    /// <summary>With <see cref="IdentityMatch.Email"/>, the XDM path of the email split at dots, unless <see cref="EmailNamespace"/> is used.</summary>
    public IReadOnlyList<string>? EmailSource { get; }

    /// <summary>With <see cref="IdentityMatch.Email"/>, the namespace whose Outreach id wins over the email; null when not configured.</summary>
    public string? OutreachIdNamespace { get; }

    /// <summary>What delivery does when several prospects share an email.</summary>
    public DuplicateEmailRule DuplicateEmails { get; }

    /// <summary>With <see cref="IdentityMatch.Email"/>: create a prospect for an email no prospect holds.</summary>
    public bool CreateProspects { get; }

    /// <summary>Attribute values set on new prospects only (a mapped value of the same attribute wins).</summary>
    public IReadOnlyDictionary<string, FieldValue> NewProspectDefaults { get; }

    /// <summary>The Outreach user who owns new prospects, or null for Outreach's default (the connected user).</summary>
    public long? NewProspectOwnerId { get; }

    /// <summary>The mapped attributes, with their source paths split into segments.</summary>
    public IReadOnlyList<CompiledAttribute> Attributes { get; }

    /// <summary>The value written for <c>realized</c>.</summary>
    public FieldValue Realized { get; }

    /// <summary>The value written for <c>existing</c>.</summary>
    public FieldValue Existing { get; }

    /// <summary>The value written for <c>exited</c>.</summary>
    public FieldValue Exited { get; }

    /// <summary>The audiences that enrol their prospects in an Outreach sequence (empty when none does).</summary>
    public IReadOnlyList<SequenceRule> Sequences { get; }

    /// <summary>The audience mappings, for reports and failure messages.</summary>
    public IEnumerable<AudienceMapping> Audiences => _audiences.Values;

    /// <summary>Validates and compiles a mapping.</summary>
    /// <exception cref="InvalidMappingException">The mapping has problems; the message lists all of them.</exception>
    public static CompiledMapping Compile(DestinationMapping mapping)
    {
        var problems = DestinationMappingValidator.Problems(mapping);
        return problems.Count == 0 ? new CompiledMapping(mapping) : throw new InvalidMappingException(problems);
    }

    /// <summary>Finds the mapping of an audience id; false for audiences the marketer did not map.</summary>
    public bool TryGetAudience(string audienceId, out AudienceMapping audience) =>
        _audiences.TryGetValue(audienceId, out audience!);

    /// <summary>
    /// Finds the mapping of an audience from its UTF-8 JSON property name without allocating a string: exports
    /// can list many audiences the marketer never mapped, and this runs for each of them.
    /// </summary>
    public bool TryGetAudience(System.Text.Json.JsonProperty property, out AudienceMapping audience)
    {
        var utf8 = System.Runtime.InteropServices.JsonMarshal.GetRawUtf8PropertyName(property);
        if (utf8.Length > 256 || utf8.Contains((byte)'\\'))
        {
            return TryGetAudience(property.Name, out audience);
        }

        Span<char> chars = stackalloc char[utf8.Length];
        var length = System.Text.Encoding.UTF8.GetChars(utf8, chars);
        return _audiencesBySpan.TryGetValue(chars[..length], out audience!);
    }
}

/// <summary>One mapped attribute, ready to look up in a profile.</summary>
/// <param name="Source">The XDM path as configured.</param>
/// <param name="Segments">The path split at dots.</param>
/// <param name="Target">The Outreach attribute.</param>
/// <param name="Kind">The JSON type Outreach expects.</param>
/// <param name="MaxLength">The maximum text length (0 when not text).</param>
public sealed record CompiledAttribute(string Source, string[] Segments, string Target, OutreachAttributeKind Kind, int MaxLength)
{
    internal static CompiledAttribute From(AttributeMapping mapping)
    {
        var target = mapping.Target.Trim();
        OutreachProspectAttributes.TryGet(target, out var kind, out var maxLength);
        var source = mapping.Source.Trim();
        return new CompiledAttribute(source, source.Split('.'), target, kind, maxLength);
    }
}
