using System.Text.Json;
using OutreachFunctions.Functions.Http;
using OutreachFunctions.Functions.Invocation;
using OutreachFunctions.Functions.Monitoring;
using OutreachFunctions.Functions.Protocol;
using OutreachFunctions.Hosting;

namespace OutreachFunctions.Functions.Misconfigured;

/// <summary>
/// The settings step of the function wrapper: while the settings are invalid (<see cref="SettingsCheck"/>) every function
/// is answered here, as <see cref="FunctionRunner"/> answers a failure: HTTP functions get 503 with the settings to fix
/// (health reports <c>degraded</c> with the reason <c>misconfigured</c>), and Deliver and KeepAlive fail (the host
/// answers 500 upward), so Service Bus keeps the messages and redelivers them once the settings are fixed. Each invocation
/// logs every problem as one line, never a stack trace. <c>GET /</c> is not touched: the host's readiness probe must succeed.
/// </summary>
/// <remarks>
/// It runs after routing and before the function's endpoint, because the endpoint's services (the Service Bus sender,
/// the Outreach client…) may not even be built with bad settings. It finds the function by its
/// <see cref="FunctionDefinition"/> endpoint metadata (<see cref="FunctionEndpoints.MapFunction"/>).
/// </remarks>
public static partial class MisconfiguredAnswers
{
    /// <summary>The error code of the JSON answer.</summary>
    public const string ErrorCode = "misconfigured";

    private const string JsonContentType = "application/json; charset=utf-8";

    /// <summary>Adds the middleware that answers invocations while the settings are invalid; call right after <c>UseRouting</c>.</summary>
    public static IApplicationBuilder UseMisconfiguredAnswers(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var check = app.ApplicationServices.GetRequiredService<SettingsCheck>();
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(MisconfiguredAnswers).FullName!);
        if (check.IsMisconfigured)
        {
            LogStartedMisconfigured(logger, check.Problems.Count);
            foreach (var problem in check.Problems)
            {
                LogProblem(logger, "start-up", problem.Setting, problem.Problem);
            }
        }

        return app.Use((context, next) =>
            check.IsMisconfigured && context.GetEndpoint()?.Metadata.GetMetadata<FunctionDefinition>() is { } function
                ? AnswerAsync(context, function, check.Problems, logger)
                : next(context));
    }

    /// <summary>The JSON body listing the settings to fix.</summary>
    public static string Body(IReadOnlyList<SettingsProblem> problems, string? status = null)
    {
        ArgumentNullException.ThrowIfNull(problems);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (status is not null)
            {
                json.WriteString("status", status);
                json.WriteStartArray("reasons");
                json.WriteStartObject();
                json.WriteString("code", ErrorCode);
                json.WriteString("message", Message(problems));
                json.WriteEndObject();
                json.WriteEndArray();
            }
            else
            {
                json.WriteString("error", ErrorCode);
                json.WriteString("message", Message(problems));
            }

            json.WriteStartArray("settings");
            foreach (var problem in problems)
            {
                json.WriteStartObject();
                json.WriteString("setting", problem.Setting);
                json.WriteString("problem", problem.Problem);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string Message(IReadOnlyList<SettingsProblem> problems) =>
        $"The connector's settings are invalid ({problems.Count} to fix, listed in 'settings'): fix them in the function app's " +
        "app settings; the connector does no work until then.";

    private static Task AnswerAsync(HttpContext context, FunctionDefinition function, IReadOnlyList<SettingsProblem> problems, ILogger logger)
    {
        // One entry per invocation naming the settings (the problems themselves were logged once each at start): the
        // host turns every stdout line into an entry, so a line per setting per invocation would flood its log.
        var settings = string.Join(", ", problems.Select(p => p.Setting).Distinct(StringComparer.Ordinal));
        if (!function.IsHttp)
        {
            // A failed invocation: the host abandons the batch (Service Bus redelivers it) or retries the timer later. The
            // host ignores a failed invocation's Logs, so the entry is the handler's own.
            var invocationId = context.Request.Headers[FunctionsHeaders.InvocationId].ToString();
            using (logger.BeginScope("InvocationId {InvocationId}", invocationId))
            {
                LogRefused(logger, function.Name, problems.Count, settings);
            }

            return FunctionsResponse.WriteFailureAsync(context, Body(problems), JsonContentType);
        }

        var health = string.Equals(function.Name, MonitoringFunctions.Health, StringComparison.OrdinalIgnoreCase);
        var result = new InvocationResult();
        result.SetHttpResponse(
            HttpFunction.ResponseBinding, StatusCodes.Status503ServiceUnavailable, Body(problems, health ? "degraded" : null), JsonContentType, HttpFunction.NoStoreHeaders);
        result.Log($"{function.Name} refused: {problems.Count} setting(s) to fix: {settings}.");
        return FunctionsResponse.WriteAsync(context, result);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The connector started with {Count} invalid setting(s): every function answers 503 until they are fixed")]
    private static partial void LogStartedMisconfigured(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Function}: setting {Setting} is invalid: {Problem}")]
    private static partial void LogProblem(ILogger logger, string function, string setting, string problem);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Function} refused: {Count} setting(s) to fix: {Settings}")]
    private static partial void LogRefused(ILogger logger, string function, int count, string settings);
}
