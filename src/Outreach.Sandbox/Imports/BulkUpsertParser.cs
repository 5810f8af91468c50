using System.Globalization;
using System.Text.Json;
using Outreach.Sandbox.Api;
using Outreach.Sandbox.Configuration;
using Outreach.Sandbox.Prospects;

namespace Outreach.Sandbox.Imports;

/// <summary>
/// Reads a <c>POST /imports/actions/bulkUpsert</c> body (docs/reference/outreach-imports.md):
/// <c>{"data":{"type":"import","attributes":{"dupeMethod","fileName","records":[…]}}}</c>. Every problem becomes a
/// 422 <c>validationError</c> with a pointer, and one problem refuses the whole request (nothing is imported).
/// </summary>
/// <remarks>
/// A record is a bare resource object (<c>{"type":"prospect","id":7,"attributes":{…}}</c>) or a document
/// (<c>{"data":{…}}</c>); which one Outreach takes is UNCONFIRMED, so <see cref="ImportOptions.RecordShape"/> chooses.
/// Attributes are checked like a PATCH's (<see cref="ProspectPatchParser.Check"/>).
/// </remarks>
internal static class BulkUpsertParser
{
    /// <summary>Updates existing prospects only: the one dupe method that never creates.</summary>
    public const string OverwriteNoCreate = "overwriteNoCreate";

    /// <summary>Overwrites existing prospects and CREATES one for a record whose id no prospect has.</summary>
    public const string Overwrite = "overwrite";

    /// <summary>Leaves existing prospects alone (and creates new ones).</summary>
    public const string Skip = "skip";

    /// <summary>Fills only the empty attributes of existing prospects (and creates new ones).</summary>
    public const string Missing = "missing";

    public const string DefaultFileName = "bulkUpsert.json";

    private const string RecordsPointer = "/data/attributes/records";

    private static readonly string[] DupeMethods = [OverwriteNoCreate, Overwrite, Skip, Missing];

    public static (BulkUpsertRequest? Request, List<ApiError> Errors) Parse(JsonElement root, ImportOptions imports, ProspectOptions prospects)
    {
        var errors = new List<ApiError>();
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object)
        {
            errors.Add(ApiErrors.Validation("/data", "The body must be a JSON:API document with a 'data' object."));
            return (null, errors);
        }

        // The import's own type: the sandbox wants "import" (the OpenAPI document names the member, not its value: UNCONFIRMED).
        if (!data.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String || type.GetString() != "import")
        {
            errors.Add(ApiErrors.Validation("/data/type", "The resource 'type' must be 'import'."));
        }

        if (!data.TryGetProperty("attributes", out var attributes) || attributes.ValueKind != JsonValueKind.Object)
        {
            errors.Add(ApiErrors.Validation("/data/attributes", "'attributes' must be an object with dupeMethod, fileName and records."));
            return (null, errors);
        }

        var dupeMethod = attributes.TryGetProperty("dupeMethod", out var method) && method.ValueKind == JsonValueKind.String ? method.GetString() : null;
        if (dupeMethod is null || !DupeMethods.Contains(dupeMethod, StringComparer.Ordinal))
        {
            errors.Add(ApiErrors.Validation("/data/attributes/dupeMethod", $"'dupeMethod' must be one of {string.Join(", ", DupeMethods)}."));
        }

        var fileName = DefaultFileName;
        if (attributes.TryGetProperty("fileName", out var name))
        {
            if (name.ValueKind == JsonValueKind.String && name.GetString() is { Length: > 0 and <= 255 } given)
            {
                fileName = given;
            }
            else
            {
                errors.Add(ApiErrors.Validation("/data/attributes/fileName", "'fileName' must be a string of 1 to 255 characters."));
            }
        }

        var records = ReadRecords(attributes, imports, prospects, errors);
        return errors.Count > 0 ? (null, errors) : (new BulkUpsertRequest(dupeMethod!, fileName, records), errors);
    }

    private static List<ImportRecord> ReadRecords(JsonElement attributes, ImportOptions imports, ProspectOptions prospects, List<ApiError> errors)
    {
        var records = new List<ImportRecord>();
        if (!attributes.TryGetProperty("records", out var array) || array.ValueKind != JsonValueKind.Array || array.GetArrayLength() == 0)
        {
            errors.Add(ApiErrors.Validation(RecordsPointer, "'records' must be a non-empty array of prospect records."));
            return records;
        }

        if (array.GetArrayLength() > imports.MaxRecordsPerRequest)
        {
            errors.Add(ApiErrors.Validation(RecordsPointer, string.Create(
                CultureInfo.InvariantCulture, $"'records' holds {array.GetArrayLength()} records; at most {imports.MaxRecordsPerRequest} are accepted in one request.")));
            return records;
        }

        var index = 0;
        foreach (var item in array.EnumerateArray())
        {
            var pointer = string.Create(CultureInfo.InvariantCulture, $"{RecordsPointer}/{index++}");
            if (ReadRecord(item, pointer, imports.RecordShape, prospects, errors) is { } record)
            {
                records.Add(record);
            }
        }

        return records;
    }

    private static ImportRecord? ReadRecord(JsonElement item, string pointer, ImportRecordShape accepted, ProspectOptions prospects, List<ApiError> errors)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            errors.Add(ApiErrors.Validation(pointer, "A record must be an object."));
            return null;
        }

        var isDocument = item.TryGetProperty("data", out var data);
        var shape = isDocument ? ImportRecordShape.Document : ImportRecordShape.Resource;
        if (accepted != ImportRecordShape.Both && accepted != shape)
        {
            errors.Add(ApiErrors.Validation(pointer, accepted == ImportRecordShape.Resource
                ? "A record must be a bare resource object {\"type\":\"prospect\",\"id\":…,\"attributes\":{…}}, not a {\"data\":…} document."
                : "A record must be a document {\"data\":{\"type\":\"prospect\",\"id\":…,\"attributes\":{…}}}, not a bare resource object."));
            return null;
        }

        var resource = isDocument ? data : item;
        var at = isDocument ? pointer + "/data" : pointer;
        if (resource.ValueKind != JsonValueKind.Object)
        {
            errors.Add(ApiErrors.Validation(at, "The record's resource must be an object."));
            return null;
        }

        var problems = errors.Count;
        if (!resource.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String || type.GetString() != "prospect")
        {
            errors.Add(ApiErrors.Validation(at + "/type", "The record's 'type' must be 'prospect' (the sandbox imports prospects only)."));
        }

        long? id = null;
        if (resource.TryGetProperty("id", out var idElement) && idElement.ValueKind != JsonValueKind.Null)
        {
            id = ReadId(idElement);
            if (id is null)
            {
                errors.Add(ApiErrors.Validation(at + "/id", "The record's 'id' must be a positive prospect id."));
            }
        }

        var changes = new List<KeyValuePair<string, JsonElement>>();
        if (resource.TryGetProperty("attributes", out var attributes))
        {
            if (attributes.ValueKind != JsonValueKind.Object)
            {
                errors.Add(ApiErrors.Validation(at + "/attributes", "'attributes' must be an object."));
            }
            else
            {
                foreach (var attribute in attributes.EnumerateObject())
                {
                    if (ProspectPatchParser.Check(attribute.Name, attribute.Value, prospects) is { } problem)
                    {
                        errors.Add(ApiErrors.Validation(at + "/attributes/" + attribute.Name.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal), problem));
                    }
                    else
                    {
                        // Cloned: the request's document is disposed long before the import is processed.
                        changes.Add(KeyValuePair.Create(attribute.Name, attribute.Value.Clone()));
                    }
                }
            }
        }

        return errors.Count > problems ? null : new ImportRecord(id, changes);
    }

    private static long? ReadId(JsonElement id) => id.ValueKind switch
    {
        JsonValueKind.Number when id.TryGetInt64(out var number) && number > 0 => number,
        JsonValueKind.String when long.TryParse(id.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0 => number,
        _ => null,
    };
}

/// <summary>A valid <c>bulkUpsert</c> request: what the import will do with records that match an existing prospect, its file name, its records.</summary>
internal sealed record BulkUpsertRequest(string DupeMethod, string FileName, IReadOnlyList<ImportRecord> Records);
