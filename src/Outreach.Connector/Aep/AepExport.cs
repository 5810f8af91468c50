using System.Text.Json;

namespace Outreach.Connector.Aep;

/// <summary>
/// A parsed AEP export body: the profiles it holds, each with the JSON path it sits at. Dispose it when done;
/// the profiles are views into pooled memory.
/// </summary>
public sealed class AepExport : IDisposable
{
    private readonly JsonDocument _document;

    internal AepExport(JsonDocument document, IReadOnlyList<AepProfileElement> profiles)
    {
        _document = document;
        Profiles = profiles;
    }

    /// <summary>The profiles, in body order.</summary>
    public IReadOnlyList<AepProfileElement> Profiles { get; }

    /// <inheritdoc />
    public void Dispose() => _document.Dispose();
}

/// <summary>One profile of an export and where it is in the body (<c>$</c>, <c>$[3]</c>, <c>$.profiles[3]</c>).</summary>
public readonly record struct AepProfileElement(int Index, string Path, JsonElement Element);
