using System.Diagnostics.CodeAnalysis;

namespace Outreach.Connector.Aep;

/// <summary>Either a parsed export or the reason the whole body was refused.</summary>
public readonly struct AepReadOutcome
{
    private AepReadOutcome(AepExport? export, AepBodyError? error)
    {
        Export = export;
        Error = error;
    }

    /// <summary>The parsed export; null when refused.</summary>
    public AepExport? Export { get; }

    /// <summary>Why the body was refused; null when read.</summary>
    public AepBodyError? Error { get; }

    /// <summary>True when the body was read.</summary>
    [MemberNotNullWhen(true, nameof(Export))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Succeeded => Export is not null;

    internal static AepReadOutcome Read(AepExport export) => new(export, null);

    internal static AepReadOutcome Refused(AepBodyError error) => new(null, error);
}
