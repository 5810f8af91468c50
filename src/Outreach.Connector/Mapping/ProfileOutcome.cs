using Outreach.Connector.Updates;

namespace Outreach.Connector.Mapping;

/// <summary>What became of one profile of an export.</summary>
/// <param name="Index">The profile's position in the request.</param>
/// <param name="Path">The profile's JSON path in the request body.</param>
public abstract record ProfileOutcome(int Index, string Path)
{
    /// <summary>The profile yields an update for one prospect.</summary>
    public sealed record Accepted(int Index, string Path, ProspectUpdate Update) : ProfileOutcome(Index, Path);

    /// <summary>The profile is well-formed but yields nothing to write; <paramref name="Reason"/> is an <see cref="ExclusionReasons"/> code.</summary>
    public sealed record Excluded(int Index, string Path, string Reason, string Detail) : ProfileOutcome(Index, Path);

    /// <summary>The profile is malformed at <paramref name="ErrorPath"/>; nothing of it is used.</summary>
    public sealed record Invalid(int Index, string Path, string ErrorPath, string Message) : ProfileOutcome(Index, Path);
}
