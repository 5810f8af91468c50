using System.Text;
using Microsoft.Extensions.Options;
using Outreach.Connector.Aep;
using Outreach.Connector.Tests.Ingest;

namespace Outreach.Connector.Tests.Aep;

public sealed class AepExportReaderTests
{
    private static AepExportReader Reader(AepReaderOptions? options = null) => new(Options.Create(options ?? new AepReaderOptions()));

    [Fact]
    public void Single_profile_object_is_one_profile_at_the_root()
    {
        var result = Reader().Read(SampleFiles.Export("single-profile.json"));
        Assert.True(result.Succeeded);
        using var export = result.Export;
        var profile = Assert.Single(export.Profiles);
        Assert.Equal("$", profile.Path);
    }

    [Fact]
    public void Array_body_yields_each_profile_with_its_index_path()
    {
        using var export = Reader().Read(SampleFiles.Export("batch-of-ten.json")).Export!;
        Assert.Equal(10, export.Profiles.Count);
        Assert.Equal("$[9]", export.Profiles[9].Path);
    }

    [Fact]
    public void Profiles_wrapper_yields_each_profile_under_profiles()
    {
        using var export = Reader().Read(SampleFiles.Export("wrapped-profiles.json")).Export!;
        Assert.Equal(3, export.Profiles.Count);
        Assert.Equal("$.profiles[2]", export.Profiles[2].Path);
    }

    [Fact]
    public void Object_with_profiles_key_and_identity_map_is_a_profile_not_a_wrapper()
    {
        using var export = Reader().Read("""{"profiles":[],"identityMap":{"oid":[{"id":"1"}]}}"""u8.ToArray()).Export!;
        Assert.Equal("$", Assert.Single(export.Profiles).Path);
    }

    [Theory]
    [InlineData("{\"a\":", "malformed_json")]
    [InlineData("[{}] trailing", "malformed_json")]
    [InlineData("", "empty_body")]
    [InlineData("   ", "empty_body")]
    [InlineData("42", "unexpected_shape")]
    [InlineData("\"text\"", "unexpected_shape")]
    public void Unusable_body_is_refused_whole_with_a_code(string body, string code)
    {
        var result = Reader().Read(Encoding.UTF8.GetBytes(body));
        Assert.False(result.Succeeded);
        Assert.Equal(code, result.Error.Code);
        Assert.False(string.IsNullOrWhiteSpace(result.Error.Message));
    }

    [Fact]
    public void Malformed_json_reports_line_and_byte()
    {
        var result = Reader().Read("[\n  {\"a\": 1},\n  {\"b\": }\n]"u8.ToArray());
        Assert.Equal("malformed_json", result.Error!.Code);
        Assert.StartsWith("line 3, byte ", result.Error.Location, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_utf8_inside_a_string_is_refused_with_its_byte_position()
    {
        byte[] body = [.. "[{\"a\":\""u8, 0xEC, .. "\"}]"u8];
        var result = Reader().Read(body);
        Assert.Equal("malformed_json", result.Error!.Code);
        Assert.Equal("byte 8", result.Error.Location);
    }

    [Fact]
    public void Nesting_deeper_than_the_limit_is_refused()
    {
        var deep = new string('[', 100) + new string(']', 100);
        var result = Reader(new AepReaderOptions { MaxDepth = 64 }).Read(Encoding.UTF8.GetBytes(deep));
        Assert.Equal("malformed_json", result.Error!.Code);
    }

    [Fact]
    public void More_profiles_than_allowed_are_refused()
    {
        var result = Reader(new AepReaderOptions { MaxProfilesPerRequest = 3 }).Read("[{},{},{},{}]"u8.ToArray());
        Assert.Equal("too_many_profiles", result.Error!.Code);
    }

    [Fact]
    public async Task Body_larger_than_the_limit_is_refused_without_reading_it_all()
    {
        var stream = new CountingStream(new byte[1_000_000]);
        var result = await Reader(new AepReaderOptions { MaxBodyBytes = 10_000 }).ReadAsync(stream, CancellationToken.None);
        Assert.Equal("body_too_large", result.Error!.Code);
        Assert.True(stream.BytesRead < 200_000, $"read {stream.BytesRead} bytes of a body refused at 10,000");
    }

    [Fact]
    public async Task Stream_body_reads_like_an_in_memory_body()
    {
        var bytes = SampleFiles.Export("batch-of-ten.json");
        var result = await Reader().ReadAsync(new MemoryStream(bytes), CancellationToken.None);
        using var export = result.Export!;
        Assert.Equal(10, export.Profiles.Count);
        Assert.Equal("Radia", export.Profiles[9].Element.GetProperty("person").GetProperty("name").GetProperty("firstName").GetString());
    }

    private sealed class CountingStream(byte[] data) : MemoryStream(data)
    {
        public long BytesRead { get; private set; }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await base.ReadAsync(buffer, cancellationToken);
            BytesRead += read;
            return read;
        }
    }
}
