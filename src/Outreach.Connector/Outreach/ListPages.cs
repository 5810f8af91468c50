namespace Outreach.Connector.Outreach;

/// <summary>What following a JSON:API list's pages read (<see cref="OutreachApiSender.GetAllPagesAsync{T}"/>).</summary>
/// <param name="Items">The items of every page, in order.</param>
/// <param name="Requests">The requests sent, one per page.</param>
public sealed record ListPages<T>(IReadOnlyList<T> Items, int Requests);
