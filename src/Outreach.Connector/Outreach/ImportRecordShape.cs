namespace Outreach.Connector.Outreach;

/// <summary>
/// The shape of one <c>records</c> item of <c>POST /imports/actions/bulkUpsert</c> (<c>Outreach__ImportRecordShape</c>).
/// Outreach does not say which (UNCONFIRMED, docs/reference/outreach-imports.md §4); <c>probe-outreach</c> tries both,
/// in this order, and prints the one the org accepted.
/// </summary>
public enum ImportRecordShape
{
    /// <summary>A bare resource object: <c>{"type":"prospect","id":7,"attributes":{…}}</c>.</summary>
    Resource,

    /// <summary>A document: <c>{"data":{"type":"prospect","id":7,"attributes":{…}}}</c>.</summary>
    Document,
}
