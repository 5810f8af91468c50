using Microsoft.Extensions.Options;

namespace Outreach.Sandbox.Configuration;

/// <summary>Checks <see cref="SandboxOptions"/> at start so a bad configuration fails loudly instead of misbehaving.</summary>
internal sealed class SandboxOptionsValidator : IValidateOptions<SandboxOptions>
{
    public ValidateOptionsResult Validate(string? name, SandboxOptions options)
    {
        var problems = new List<string>();
        foreach (var client in options.Clients)
        {
            if (string.IsNullOrWhiteSpace(client.ClientId) || string.IsNullOrWhiteSpace(client.ClientSecret))
            {
                problems.Add("Every Sandbox:Clients entry needs a ClientId and a ClientSecret.");
            }

            foreach (var uri in client.RedirectUris.Where(uri => !Uri.TryCreate(uri, UriKind.Absolute, out _)))
            {
                problems.Add($"Redirect URI '{uri}' of client '{client.ClientId}' is not an absolute URI.");
            }
        }

        if (options.Clients.GroupBy(c => c.ClientId, StringComparer.Ordinal).Any(g => g.Count() > 1))
        {
            problems.Add("Client ids must be unique.");
        }

        if (options.Users.Any(u => string.IsNullOrWhiteSpace(u.Email) || string.IsNullOrEmpty(u.Password)))
        {
            problems.Add("Every Sandbox:Users entry needs an Email and a Password.");
        }

        if (options.Users.GroupBy(u => u.Email, StringComparer.OrdinalIgnoreCase).Any(g => g.Count() > 1))
        {
            problems.Add("User emails must be unique.");
        }

        var oauth = options.OAuth;
        if (oauth.AccessTokenLifetime <= TimeSpan.Zero || oauth.AuthorizationCodeLifetime <= TimeSpan.Zero || oauth.RefreshTokenLifetime <= TimeSpan.Zero)
        {
            problems.Add("OAuth lifetimes must be positive.");
        }

        if (oauth.RefreshTokenMaxNewerTokens < 0 || oauth.MintingInterval < TimeSpan.Zero)
        {
            problems.Add("OAuth:RefreshTokenMaxNewerTokens and OAuth:MintingInterval must not be negative.");
        }

        if (oauth.InvalidClientStatusCode is not (400 or 401))
        {
            problems.Add("OAuth:InvalidClientStatusCode must be 400 or 401.");
        }

        if (options.Prospects.SeedCount < 0)
        {
            problems.Add("Prospects:SeedCount must not be negative.");
        }

        if (options.Prospects.MissingCustomFields.Any(n => n is < 1 or > 150))
        {
            problems.Add("Prospects:MissingCustomFields holds numbers from 1 to 150.");
        }

        if (options.Prospects.DuplicateEmailEvery is < 0 or 1)
        {
            problems.Add("Prospects:DuplicateEmailEvery must be 0 (no duplicates) or at least 2.");
        }

        if (options.Prospects.MaxFilterListLength < 1)
        {
            problems.Add("Prospects:MaxFilterListLength must be positive.");
        }

        if (options.Prospects.FilterListTooLongStatus is not (400 or 414 or 422))
        {
            problems.Add("Prospects:FilterListTooLongStatus must be 400, 414 or 422.");
        }

        problems.AddRange(options.Bulk.Validate().Select(problem => "Bulk: " + problem));
        problems.AddRange(options.Imports.Validate().Select(problem => "Imports: " + problem));
        problems.AddRange(options.ProspectCreation.Validate().Select(problem => "ProspectCreation: " + problem));
        problems.AddRange(options.Sequences.Validate().Select(problem => "Sequences: " + problem));

        if (options.RateLimit.Limit < 1 || options.RateLimit.Window <= TimeSpan.Zero)
        {
            problems.Add("RateLimit:Limit and RateLimit:Window must be positive.");
        }

        if (options.RequestLogCapacity < 1)
        {
            problems.Add("RequestLogCapacity must be positive.");
        }

        problems.AddRange(options.Faults.Validate().Select(problem => "Faults: " + problem));
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
