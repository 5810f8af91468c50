using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Outreach.Connector.Aep;
using Outreach.Connector.Ingest;

namespace Outreach.Connector.Mapping;

/// <summary>Registers the destination mapping and the ingest translation pipeline.</summary>
public static class MappingServiceCollectionExtensions
{
    /// <summary>
    /// Binds the mapping from the JSON file named by <c>Mapping:File</c> (relative to the app's base directory or the
    /// current directory) and from the <c>Mapping</c> section (whose list entries are added to the file's), validates it
    /// at start, and registers the AEP reader and translators.
    /// </summary>
    public static IServiceCollection AddAepIngestTranslation(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<DestinationMapping>()
            .Configure(mapping => Load(configuration.GetSection(DestinationMapping.SectionName), mapping))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<DestinationMapping>, DestinationMappingValidator>();
        services.AddOptions<AepReaderOptions>()
            .Bind(configuration.GetSection(AepReaderOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton(sp => CompiledMapping.Compile(sp.GetRequiredService<IOptions<DestinationMapping>>().Value));
        services.AddSingleton<ProfileTranslator>();
        services.AddSingleton<AepExportReader>();
        services.AddSingleton<ExportTranslator>();
        return services;
    }

    /// <summary>Fills a mapping from a configuration section and the JSON file it names.</summary>
    public static void Load(IConfigurationSection section, DestinationMapping mapping)
    {
        ArgumentNullException.ThrowIfNull(section);
        var file = section["File"];
        if (!string.IsNullOrWhiteSpace(file))
        {
            LoadFile(Resolve(file), mapping);
        }

        section.Bind(mapping);
        foreach (var unknown in ConfigurationKeys.Of(typeof(DestinationMapping)).With("File").Find(section))
        {
            var typed = unknown.Path.Replace(":", "__", StringComparison.Ordinal);
            mapping.KeyProblems.Add(unknown.Nearest is { } nearest
                ? $"`{typed}` is not a mapping setting; did you mean `{nearest.Replace(":", "__", StringComparison.Ordinal)}`?"
                : $"`{typed}` is not a mapping setting; the mapping settings are {string.Join(", ", ConfigurationKeys.Of(typeof(DestinationMapping)).With("File").Names.Select(n => "Mapping__" + n))}.");
        }
    }

    /// <summary>Reads a mapping JSON file (the shape of samples/mapping.json) into <paramref name="mapping"/>.</summary>
    /// <exception cref="InvalidMappingException">The file is missing or is not a mapping.</exception>
    public static void LoadFile(string path, DestinationMapping mapping)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        if (!File.Exists(path))
        {
            throw new InvalidMappingException($"The mapping file '{path}' (setting Mapping:File) does not exist.");
        }

        try
        {
            var configuration = new ConfigurationBuilder().AddJsonFile(path, optional: false).Build();
            configuration.Bind(mapping);
            var keys = ConfigurationKeys.Of(typeof(DestinationMapping));
            foreach (var unknown in keys.Find(configuration))
            {
                // In the file's own words: "identityNamspace", "audiences[0].mappingID".
                var typed = InFileSpelling(unknown.Path, camelCase: false);
                mapping.KeyProblems.Add(unknown.Nearest is { } nearest
                    ? $"`{typed}` is not a mapping key; did you mean `{InFileSpelling(nearest, camelCase: char.IsLower(typed[typed.LastIndexOf('.') + 1]))}`? (mapping file {Path.GetFileName(path)})"
                    : $"`{typed}` is not a mapping key (mapping file {Path.GetFileName(path)}); the keys are {string.Join(", ", keys.Names.Select(n => InFileSpelling(n, camelCase: true)))}.");
            }
        }
        catch (Exception ex) when (ex is FormatException or InvalidDataException or JsonException or InvalidOperationException)
        {
            throw new InvalidMappingException($"The mapping file '{path}' is not valid: {ex.Message}", ex);
        }
    }

    // A configuration path as the JSON file spells it: audiences:0:MappingId → audiences[0].mappingId (camelCase asked for).
    private static string InFileSpelling(string path, bool camelCase)
    {
        var text = new System.Text.StringBuilder();
        foreach (var part in path.Split(':'))
        {
            if (part.All(char.IsAsciiDigit))
            {
                text.Append('[').Append(part).Append(']');
                continue;
            }

            if (text.Length > 0)
            {
                text.Append('.');
            }

            text.Append(camelCase && part.Length > 0 ? char.ToLowerInvariant(part[0]) + part[1..] : part);
        }

        return text.ToString();
    }

    private static string Resolve(string file)
    {
        if (Path.IsPathRooted(file))
        {
            return file;
        }

        var besideApp = Path.Combine(AppContext.BaseDirectory, file);
        return File.Exists(besideApp) ? besideApp : Path.GetFullPath(file);
    }
}
