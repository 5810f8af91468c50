using Microsoft.Extensions.Options;
using Outreach.Connector.Mapping;
using Outreach.Connector.Outreach;

namespace Outreach.Connector.Delivery.Operations.SequenceEnrolment;

/// <summary>
/// Adds the sequence scopes (<c>Sequences__Scopes</c>) to those asked at Connect (<c>Outreach__Scopes</c>) when the
/// mapping has an audience with a sequence, so a marketer who adds a sequence to the mapping only has to connect again,
/// and a connection made without them is reported as missing them, like any other scope.
/// </summary>
internal sealed class SequenceScopes(IOptions<DestinationMapping> mapping, IOptions<SequenceOptions> sequences) : IPostConfigureOptions<OutreachOptions>
{
    /// <inheritdoc />
    public void PostConfigure(string? name, OutreachOptions options)
    {
        if (!HasSequences())
        {
            return;
        }

        var missing = sequences.Value.ScopeList.Where(s => !options.ScopeList.Contains(s, StringComparer.Ordinal)).ToList();
        if (missing.Count > 0)
        {
            options.Scopes = string.Join(' ', options.ScopeList.Concat(missing));
        }
    }

    private bool HasSequences()
    {
        try
        {
            return mapping.Value.Audiences.Any(a => a.Sequence is not null);
        }
        catch (Exception ex) when (ex is OptionsValidationException or InvalidMappingException)
        {
            // An invalid mapping stops the start with its own lines; the scopes do not matter then.
            return false;
        }
    }
}
