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
        }
        catch (Exception ex) when (ex is FormatException or InvalidDataException or JsonException or InvalidOperationException)
        {
            throw new InvalidMappingException($"The mapping file '{path}' is not valid: {ex.Message}", ex);
        }
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
