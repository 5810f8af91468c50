using Microsoft.Extensions.Options;
using Outreach.Connector.Aep;
using Outreach.Connector.Ingest;
using Outreach.Connector.Mapping;
using Outreach.Testing;

namespace Outreach.Connector.Tests.Ingest;

/// <summary>The repository's samples/ folder and translators built from its mapping.</summary>
internal static class SampleFiles
{
    public const string HighIntent = "aaaaaaaa-1111-4000-8000-000000000001";
    public const string ChurnRisk = "bbbbbbbb-2222-4000-8000-000000000002";
    public const string Webinar = "cccccccc-3333-4000-8000-000000000003";
    public const string Unmapped = "dddddddd-9999-4000-8000-000000000099";

    public static readonly DateTimeOffset ReceivedAt = new(2025, 3, 2, 11, 0, 0, TimeSpan.Zero);

    public static string PathOf(string relative) => Path.Combine(RepositoryRoot.Path, "samples", relative);

    public static byte[] Export(string name) => File.ReadAllBytes(PathOf(Path.Combine("exports", name)));

    public static DestinationMapping Mapping()
    {
        var mapping = new DestinationMapping();
        MappingServiceCollectionExtensions.LoadFile(PathOf("mapping.json"), mapping);
        return mapping;
    }

    public static ExportTranslator Translator(DestinationMapping? mapping = null, AepReaderOptions? options = null) =>
        new(new AepExportReader(Options.Create(options ?? new AepReaderOptions())),
            new ProfileTranslator(CompiledMapping.Compile(mapping ?? Mapping())));

    public static ExportTranslation Translate(string json, DestinationMapping? mapping = null, AepReaderOptions? options = null) =>
        Translator(mapping, options).Translate(System.Text.Encoding.UTF8.GetBytes(json), ReceivedAt);
}
