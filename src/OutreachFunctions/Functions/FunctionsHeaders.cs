namespace OutreachFunctions.Functions;

/// <summary>Headers the Functions host adds to every invocation request (docs/reference/functions-host.md §2).</summary>
public static class FunctionsHeaders
{
    /// <summary>The invocation's id, as in the host's logs and Application Insights.</summary>
    public const string InvocationId = "X-Azure-Functions-InvocationId";

    /// <summary>The host's version.</summary>
    public const string HostVersion = "X-Azure-Functions-HostVersion";
}
