using OutreachFunctions.Standalone;

namespace OutreachFunctions.Monitoring;

/// <summary>Who may see the standalone runtime's monitoring endpoints: whoever holds the ingest secret.</summary>
public static class StandaloneMonitoringAuthorization
{
    /// <summary>True when the request carries the ingest secret as <c>Authorization: Bearer</c>, or as <c>?key=</c> (a browser opening the page).</summary>
    public static bool IsAuthorized(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var check = context.RequestServices.GetRequiredService<BearerSecretCheck>();
        var header = context.Request.Headers.Authorization.ToString();
        return check.IsAuthorized(header.Length > 0 ? header : "Bearer " + context.Request.Query["key"]);
    }
}
