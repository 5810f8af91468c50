namespace OutreachFunctions.Functions.Protocol;

/// <summary>The response of an <c>http</c> output binding.</summary>
/// <param name="StatusCode">The status the HTTP caller gets.</param>
/// <param name="Body">The body text.</param>
/// <param name="ContentType">The body's content type.</param>
/// <param name="Headers">Further response headers.</param>
public sealed record HttpOutput(int StatusCode, string Body, string ContentType, IReadOnlyDictionary<string, string> Headers);
