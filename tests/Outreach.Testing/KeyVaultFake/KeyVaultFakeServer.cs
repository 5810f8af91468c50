using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.RegularExpressions;
using Azure.Core.Pipeline;
using Azure.Security.KeyVault.Secrets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Outreach.Testing.KeyVaultFake;

/// <summary>
/// A protocol-level fake of the Azure Key Vault secrets REST API, served over HTTPS on 127.0.0.1 with a self-signed
/// certificate generated at start, so the real <see cref="SecretClient"/> (pipeline, challenge authentication,
/// serialization) runs against it.
/// </summary>
/// <remarks>
/// Implements what a secret store needs: the bearer challenge (a request without a token gets 401 with
/// <c>WWW-Authenticate: Bearer authorization="https://login.microsoftonline.com/{tenant}", resource="https://vault.azure.net"</c>),
/// then only the accepted token passes; <c>PUT /secrets/{name}</c> (a new version each time, value, tags, content type,
/// attributes), <c>GET /secrets/{name}</c> (latest) and <c>GET /secrets/{name}/{version}</c>, <c>GET /secrets/{name}/versions</c>;
/// 404 <c>SecretNotFound</c> in Key Vault's error shape. All versions are kept.
/// </remarks>
public sealed partial class KeyVaultFakeServer : IAsyncDisposable
{
    /// <summary>The tenant named in the challenge.</summary>
    public const string TenantId = "72f988bf-86f1-41af-91ab-2d7cd011db47";

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, List<KeyVaultFakeSecret>> _secrets = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentQueue<KeyVaultFakeRequest> _requests = new();

    private KeyVaultFakeServer(WebApplication app, X509Certificate2 certificate, string acceptedToken)
    {
        _app = app;
        Certificate = certificate;
        AcceptedToken = acceptedToken;
    }

    /// <summary>The vault URL, e.g. <c>https://127.0.0.1:41234/</c>.</summary>
    public Uri VaultUri { get; private set; } = null!;

    /// <summary>The server's self-signed certificate (pin it in the client).</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The only bearer token the fake accepts.</summary>
    public string AcceptedToken { get; }

    /// <summary>Every request received, in order.</summary>
    public IReadOnlyList<KeyVaultFakeRequest> Requests => [.. _requests];

    /// <summary>Starts the fake on a free loopback port; it accepts only <paramref name="acceptedToken"/>.</summary>
    public static async Task<KeyVaultFakeServer> StartAsync(string acceptedToken, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(acceptedToken);
        var certificate = LoopbackCertificate.Create();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(certificate)));
        var app = builder.Build();
        var server = new KeyVaultFakeServer(app, certificate, acceptedToken);
        app.Run(server.HandleAsync);
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.VaultUri = new Uri(new Uri(address).GetLeftPart(UriPartial.Authority).Replace("[::1]", "127.0.0.1", StringComparison.Ordinal) + "/");
        return server;
    }

    /// <summary>
    /// A real <see cref="SecretClient"/> for this fake: HTTPS pinned to <see cref="Certificate"/>, challenge resource
    /// verification off (the fake is not *.vault.azure.net), quick retries.
    /// </summary>
    public SecretClient CreateSecretClient(Azure.Core.TokenCredential credential)
    {
        var options = new SecretClientOptions
        {
            DisableChallengeResourceVerification = true,
            Transport = new HttpClientTransport(LoopbackCertificate.CreatePinningHandler(Certificate)),
        };
        options.Retry.MaxRetries = 1;
        options.Retry.Delay = TimeSpan.FromMilliseconds(10);
        return new SecretClient(VaultUri, credential, options);
    }

    /// <summary>The stored versions of a secret, oldest first.</summary>
    public IReadOnlyList<KeyVaultFakeSecret> Versions(string name)
    {
        if (!_secrets.TryGetValue(name, out var versions))
        {
            return [];
        }

        lock (versions)
        {
            return [.. versions];
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Certificate.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var apiVersion = request.Query["api-version"].FirstOrDefault();
        var authorization = Authorize(request);
        if (authorization != KeyVaultFakeAuthorization.Accepted)
        {
            // Key Vault's challenge: the client learns the tenant and resource, gets a token and retries.
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers.WWWAuthenticate =
                $"Bearer authorization=\"https://login.microsoftonline.com/{TenantId}\", resource=\"https://vault.azure.net\"";
            await WriteErrorAsync(context, "Unauthorized", "AKV10000: Request is missing a Bearer or PoP token.");
            Record(request, apiVersion, authorization, context.Response.StatusCode);
            return;
        }

        if (string.IsNullOrEmpty(apiVersion))
        {
            await WriteErrorAsync(context, "BadParameter", "The api-version query parameter is required.", StatusCodes.Status400BadRequest);
        }
        else
        {
            var match = SecretPath().Match(request.Path.Value ?? "");
            if (!match.Success)
            {
                await WriteErrorAsync(context, "BadParameter", "Unsupported path.", StatusCodes.Status400BadRequest);
            }
            else
            {
                var name = match.Groups["name"].Value;
                var rest = match.Groups["rest"].Success ? match.Groups["rest"].Value : "";
                switch (request.Method)
                {
                    case "PUT" when rest.Length == 0:
                        await SetAsync(context, name);
                        break;
                    case "GET" when rest == "versions":
                        await ListVersionsAsync(context, name);
                        break;
                    case "GET":
                        await GetAsync(context, name, rest.Length == 0 ? null : rest);
                        break;
                    default:
                        await WriteErrorAsync(context, "BadParameter", $"{request.Method} is not supported by the fake.", StatusCodes.Status405MethodNotAllowed);
                        break;
                }
            }
        }

        Record(request, apiVersion, authorization, context.Response.StatusCode);
    }

    private KeyVaultFakeAuthorization Authorize(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (string.IsNullOrEmpty(header))
        {
            return KeyVaultFakeAuthorization.None;
        }

        return header.StartsWith("Bearer ", StringComparison.Ordinal) && string.Equals(header["Bearer ".Length..], AcceptedToken, StringComparison.Ordinal)
            ? KeyVaultFakeAuthorization.Accepted
            : KeyVaultFakeAuthorization.Rejected;
    }

    private async Task SetAsync(HttpContext context, string name)
    {
        if (!SecretName().IsMatch(name))
        {
            await WriteErrorAsync(context, "BadParameter", "The secret name must be 1-127 letters, digits or dashes.", StatusCodes.Status400BadRequest);
            return;
        }

        JsonDocument body;
        try
        {
            body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        }
        catch (JsonException)
        {
            await WriteErrorAsync(context, "BadParameter", "The body is not JSON.", StatusCodes.Status400BadRequest);
            return;
        }

        using (body)
        {
            var root = body.RootElement;
            if (!root.TryGetProperty("value", out var value) || value.ValueKind != JsonValueKind.String)
            {
                await WriteErrorAsync(context, "BadParameter", "Property 'value' is required.", StatusCodes.Status400BadRequest);
                return;
            }

            var tags = new Dictionary<string, string>(StringComparer.Ordinal);
            if (root.TryGetProperty("tags", out var tagElement) && tagElement.ValueKind == JsonValueKind.Object)
            {
                foreach (var tag in tagElement.EnumerateObject())
                {
                    tags[tag.Name] = tag.Value.GetString() ?? "";
                }
            }

            var enabled = !(root.TryGetProperty("attributes", out var attributes) && attributes.ValueKind == JsonValueKind.Object
                && attributes.TryGetProperty("enabled", out var enabledElement) && enabledElement.ValueKind == JsonValueKind.False);
            var contentType = root.TryGetProperty("contentType", out var ct) && ct.ValueKind == JsonValueKind.String ? ct.GetString() : null;
            var secret = new KeyVaultFakeSecret(name, Guid.NewGuid().ToString("N"), value.GetString()!, contentType, tags, enabled, DateTimeOffset.UtcNow);
            var versions = _secrets.GetOrAdd(name, _ => []);
            lock (versions)
            {
                versions.Add(secret);
            }

            await WriteSecretAsync(context, secret);
        }
    }

    private async Task GetAsync(HttpContext context, string name, string? version)
    {
        KeyVaultFakeSecret? secret = null;
        if (_secrets.TryGetValue(name, out var versions))
        {
            lock (versions)
            {
                secret = version is null
                    ? versions.LastOrDefault()
                    : versions.FirstOrDefault(v => string.Equals(v.Version, version, StringComparison.OrdinalIgnoreCase));
            }
        }

        if (secret is null)
        {
            var what = version is null ? name : $"{name}/{version}";
            await WriteErrorAsync(context, "SecretNotFound", $"A secret with (name/id) {what} was not found in this key vault.", StatusCodes.Status404NotFound);
            return;
        }

        await WriteSecretAsync(context, secret);
    }

    private async Task ListVersionsAsync(HttpContext context, string name)
    {
        var versions = Versions(name);
        context.Response.ContentType = "application/json; charset=utf-8";
        await using var writer = new Utf8JsonWriter(context.Response.Body);
        writer.WriteStartObject();
        writer.WriteStartArray("value");
        foreach (var secret in versions)
        {
            writer.WriteStartObject();
            WriteProperties(writer, secret);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteNull("nextLink");
        writer.WriteEndObject();
    }

    private async Task WriteSecretAsync(HttpContext context, KeyVaultFakeSecret secret)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json; charset=utf-8";
        await using var writer = new Utf8JsonWriter(context.Response.Body);
        writer.WriteStartObject();
        writer.WriteString("value", secret.Value);
        WriteProperties(writer, secret);
        writer.WriteEndObject();
    }

    private void WriteProperties(Utf8JsonWriter writer, KeyVaultFakeSecret secret)
    {
        writer.WriteString("id", new Uri(VaultUri, $"secrets/{secret.Name}/{secret.Version}").AbsoluteUri);
        if (secret.ContentType is not null)
        {
            writer.WriteString("contentType", secret.ContentType);
        }

        writer.WriteStartObject("attributes");
        writer.WriteBoolean("enabled", secret.Enabled);
        writer.WriteNumber("created", secret.Created.ToUnixTimeSeconds());
        writer.WriteNumber("updated", secret.Created.ToUnixTimeSeconds());
        writer.WriteString("recoveryLevel", "Recoverable+Purgeable");
        writer.WriteNumber("recoverableDays", 90);
        writer.WriteEndObject();
        writer.WriteStartObject("tags");
        foreach (var (key, value) in secret.Tags)
        {
            writer.WriteString(key, value);
        }

        writer.WriteEndObject();
    }

    private static async Task WriteErrorAsync(HttpContext context, string code, string message, int? status = null)
    {
        if (status is { } s)
        {
            context.Response.StatusCode = s;
        }

        context.Response.ContentType = "application/json; charset=utf-8";
        await using var writer = new Utf8JsonWriter(context.Response.Body);
        writer.WriteStartObject();
        writer.WriteStartObject("error");
        writer.WriteString("code", code);
        writer.WriteString("message", message);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private void Record(HttpRequest request, string? apiVersion, KeyVaultFakeAuthorization authorization, int status) =>
        _requests.Enqueue(new KeyVaultFakeRequest(request.Method, request.Path.Value ?? "", apiVersion, authorization, status));

    [GeneratedRegex("^/secrets/(?<name>[^/]+)/?(?<rest>[^/]+)?/?$", RegexOptions.CultureInvariant)]
    private static partial Regex SecretPath();

    [GeneratedRegex("^[0-9A-Za-z-]{1,127}$", RegexOptions.CultureInvariant)]
    private static partial Regex SecretName();
}
