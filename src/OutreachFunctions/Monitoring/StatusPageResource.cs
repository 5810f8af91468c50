namespace OutreachFunctions.Monitoring;

/// <summary>The status page, embedded in the assembly (<c>Monitoring/status.html</c>): no framework, no external resources.</summary>
public static class StatusPageResource
{
    private static readonly Lazy<byte[]> Page = new(Load);

    /// <summary>The page's UTF-8 bytes.</summary>
    public static byte[] Bytes => Page.Value;

    private static byte[] Load()
    {
        using var stream = typeof(StatusPageResource).Assembly.GetManifestResourceStream("OutreachFunctions.Monitoring.status.html")
            ?? throw new InvalidOperationException("The status page resource is missing from the assembly.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
