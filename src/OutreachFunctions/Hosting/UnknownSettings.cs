using System.Reflection;
using Outreach.Connector.Delivery;
using Outreach.Connector.Mapping;
using Outreach.Connector.Monitoring;

namespace OutreachFunctions.Hosting;

/// <summary>
/// Finds settings under the connector's own configuration sections (<c>Delivery</c>, <c>Tokens</c>, <c>Outreach</c>,
/// <c>Ingest</c>, <c>Monitoring</c>, <c>Drain</c>, …) that no options class binds, e.g. <c>Delivery__BatchSise</c>.
/// Such a setting is ignored, so it is a warning in the log at start and a health reason (<c>unknown_setting</c>),
/// naming the nearest known setting: it may be a misspelling, or a setting of a newer version (so the app still runs).
/// </summary>
/// <remarks>
/// The sections and their keys come from the options classes themselves (every type with a public
/// <c>const string SectionName</c> in the connector's assemblies, its public settable properties and nested objects,
/// see <see cref="ConfigurationKeys"/>), so a setting added to an options class is known at once. <c>Mapping</c> is
/// not here: an unknown mapping key is a settings problem (the mapping decides what is written to Outreach).
/// </remarks>
public static partial class UnknownSettings
{
    /// <summary>The health reason code.</summary>
    public const string ReasonCode = "unknown_setting";

    // Keys read directly from configuration rather than bound by an options class.
    private static readonly Dictionary<string, string[]> ReadDirectly = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Monitoring"] = ["Exporter"],
    };

    /// <summary>Every setting under the connector's sections that nothing binds.</summary>
    public static IReadOnlyList<UnknownKey> Find(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var found = new List<UnknownKey>();
        foreach (var (section, keys) in Sections())
        {
            found.AddRange(keys.Find(configuration.GetSection(section)));
        }

        return found;
    }

    // Options classes bound to a section without a SectionName of their own (UnknownSettingsTests checks that every
    // options class the apps register has one or is listed here).
    private static readonly Dictionary<Type, string> BoundWithoutSectionName = new()
    {
    };

    /// <summary>
    /// Every options class of the connector and the section it binds: the types with a public <c>const string
    /// SectionName</c> in the connector's assemblies, and the few bound without one.
    /// </summary>
    public static IReadOnlyDictionary<Type, string> OptionTypes() =>
        new[] { typeof(ConnectorStatusService).Assembly, typeof(UnknownSettings).Assembly }
            .SelectMany(assembly => assembly.GetTypes())
            .Select(type => (Type: type, Section: type.GetField("SectionName", BindingFlags.Public | BindingFlags.Static) is { IsLiteral: true } field
                ? field.GetRawConstantValue() as string
                : null))
            .Where(pair => pair.Section is not null)
            .Select(pair => KeyValuePair.Create(pair.Type, pair.Section!))
            .Concat(BoundWithoutSectionName)
            .ToDictionary();

    /// <summary>The sections checked and the keys each binds, from the options classes.</summary>
    public static IReadOnlyDictionary<string, ConfigurationKeys> Sections()
    {
        var optionTypes = OptionTypes()
            .Where(pair => !pair.Value.StartsWith(DestinationMapping.SectionName, StringComparison.OrdinalIgnoreCase))
            .Select(pair => (Type: pair.Key, Section: pair.Value))
            .ToList();
        var sections = new Dictionary<string, ConfigurationKeys>(StringComparer.OrdinalIgnoreCase);
        foreach (var top in optionTypes.Select(pair => pair.Section.Split(':')[0]).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            var keys = ConfigurationKeys.Of([.. optionTypes.Where(pair => string.Equals(pair.Section, top, StringComparison.OrdinalIgnoreCase)).Select(pair => pair.Type)]);
            foreach (var (type, section) in optionTypes.Where(pair => pair.Section.StartsWith(top + ":", StringComparison.OrdinalIgnoreCase)))
            {
                keys.With(section[(top.Length + 1)..], type);
            }

            foreach (var key in ReadDirectly.GetValueOrDefault(top) ?? [])
            {
                keys.With(key);
            }

            sections[top] = keys;
        }

        return sections;
    }

    /// <summary>The warning for one unknown setting, in app-setting spelling.</summary>
    public static string Describe(UnknownKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var name = SettingsProblems.AppSettingName(key.Path);
        return key.Nearest is { } nearest
            ? $"The setting {name} is not a setting of this version of the connector and is ignored; did you mean {SettingsProblems.AppSettingName(nearest)}? (It may belong to a newer version.)"
            : $"The setting {name} is not a setting of this version of the connector and is ignored (it may belong to a newer version).";
    }

    /// <summary>The health reasons for the unknown settings of <paramref name="configuration"/>.</summary>
    public static SettingsWarnings Warnings(IConfiguration configuration) =>
        new([.. Find(configuration).Select(key => new HealthReason(ReasonCode, Describe(key)))]);

    /// <summary>Logs each unknown setting once, as a warning, when the app starts.</summary>
    public static void LogAtStart(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(UnknownSettings).FullName!);
        foreach (var reason in services.GetService<SettingsWarnings>()?.Reasons ?? [])
        {
            LogUnknown(logger, reason.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Warning}")]
    private static partial void LogUnknown(ILogger logger, string warning);
}
