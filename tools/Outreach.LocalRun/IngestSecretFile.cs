using System.Security.Cryptography;

namespace Outreach.LocalRun;

/// <summary>
/// The ingest secret kept in the state folder (readable by its owner only), so a restart keeps the secret that curl
/// commands and AEP test destinations already use.
/// </summary>
public static class IngestSecretFile
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Returns the kept secret, or writes a new one when there is none or <paramref name="renew"/> is set.</summary>
    public static string LoadOrCreate(string path, bool renew)
    {
        if (!renew && File.Exists(path) && File.ReadAllText(path).Trim() is { Length: > 0 } kept)
        {
            // Tighten a file someone loosened: it holds a credential.
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, OwnerOnly);
            }

            return kept;
        }

        var secret = Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant();
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly;
            File.Delete(path); // UnixCreateMode applies only to a file this call creates.
        }

        using (var writer = new StreamWriter(path, options))
        {
            writer.WriteLine(secret);
        }

        return secret;
    }
}
