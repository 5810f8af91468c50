namespace Outreach.Connector.Outreach;

/// <summary>One error object from Outreach's JSON:API <c>errors</c> array.</summary>
/// <param name="Id">Outreach's error code, e.g. <c>validationError</c>, <c>resourceNotFound</c>.</param>
/// <param name="Title">The short title.</param>
/// <param name="Detail">The human-readable detail (<c>detail</c>, or <c>details</c> as on the 415 example).</param>
/// <param name="SourcePointer">The JSON pointer of the offending part of the request, e.g. <c>/data/attributes/custom151</c>.</param>
public sealed record OutreachError(string? Id, string? Title, string? Detail, string? SourcePointer);
