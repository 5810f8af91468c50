using OutreachFunctions.Functions;

namespace OutreachFunctions.Hosting;

/// <summary>
/// Where the app finds its own files (appsettings.json, with the log levels that keep ASP.NET Core's and HttpClient's
/// per-request lines out of the log): the handler's folder when the Functions host starts it.
/// </summary>
/// <remarks>
/// The host starts the handler in the app root (host.json <c>workingDirectory</c>, default the app root), while the
/// package puts the handler and its appsettings.json in <c>handler/</c>; ASP.NET Core's default content root is the
/// working directory, so the file would not be found. Elsewhere (the standalone runtime, <c>dotnet run</c>) the default
/// stays, and an explicit <c>--contentRoot</c> or <c>ASPNETCORE_CONTENTROOT</c> always wins.
/// </remarks>
public static class HandlerContentRoot
{
    /// <summary>The content root to start with, or null for ASP.NET Core's default.</summary>
    public static string? For(IReadOnlyList<string> args, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(environment);
        var startedByHost = !string.IsNullOrEmpty(environment(HandlerPort.SettingName)) || !string.IsNullOrEmpty(environment(HandlerPort.LegacySettingName));
        var chosen = args.Any(a => a.StartsWith("--contentRoot", StringComparison.OrdinalIgnoreCase))
            || !string.IsNullOrEmpty(environment("ASPNETCORE_CONTENTROOT"))
            || !string.IsNullOrEmpty(environment("DOTNET_CONTENTROOT"));
        return startedByHost && !chosen ? AppContext.BaseDirectory : null;
    }
}
