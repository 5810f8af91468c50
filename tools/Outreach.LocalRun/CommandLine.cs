using System.Globalization;

namespace Outreach.LocalRun;

/// <summary>Reads the local run's arguments strictly: every option is known, every value checked, nothing ignored.</summary>
public static class CommandLine
{
    /// <summary>What <c>--help</c> prints: every option on one line.</summary>
    public const string Usage = """
        Usage: bash eng/run-local.sh [options]
        Starts Azurite, the Outreach sandbox and the connector on this machine, connected through the real OAuth flow.
          --connector-port PORT        the connector's port on 127.0.0.1 (default 7071)
          --sandbox-port PORT          the Outreach sandbox's port on 127.0.0.1 (default 5380)
          --mapping FILE               the destination mapping (default samples/mapping.json; samples/mapping-email.json matches by email)
          --state DIR                  where the queue, tables, tokens and ingest secret are kept across runs (default .local)
          --new-secret                 replace the kept ingest secret with a new one
          --sandbox-prospects N        how many prospects the sandbox seeds, ids 1..N (default 1000)
          --sandbox-duplicate-emails N every N-th seeded prospect holds the previous one's email (default 0: none; else at least 2)
          --help                       print this help and exit
        Any connector setting can also be given as an environment variable, e.g. Drain__Enabled=false bash eng/run-local.sh
        """;

    /// <summary>Parses the arguments; relative paths are taken from <paramref name="workingDirectory"/>.</summary>
    /// <returns>The options, or null with <paramref name="problem"/> (one line naming the argument) or <paramref name="help"/> set.</returns>
    public static LocalRunOptions? Parse(IReadOnlyList<string> args, string repositoryRoot, string workingDirectory, out string? problem, out bool help)
    {
        ArgumentNullException.ThrowIfNull(args);
        problem = null;
        help = args.Any(a => a is "--help" or "-h");
        if (help)
        {
            return null;
        }

        int connectorPort = 7071, sandboxPort = 5380, prospects = 1000, duplicateEvery = 0;
        string mapping = Path.Combine(repositoryRoot, "samples", "mapping.json"), state = Path.Combine(repositoryRoot, ".local");
        var newSecret = false;
        for (var i = 0; i < args.Count && problem is null; i++)
        {
            var name = args[i];
            if (name == "--new-secret")
            {
                newSecret = true;
                continue;
            }

            if (name is not ("--connector-port" or "--sandbox-port" or "--mapping" or "--state" or "--sandbox-prospects" or "--sandbox-duplicate-emails"))
            {
                problem = $"Unknown argument '{name}'.";
                break;
            }

            if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                problem = $"{name} needs a value.";
                break;
            }

            var value = args[++i];
            switch (name)
            {
                case "--connector-port":
                    problem = ParseInt(name, value, 1, 65535, "a port from 1 to 65535", out connectorPort);
                    break;
                case "--sandbox-port":
                    problem = ParseInt(name, value, 1, 65535, "a port from 1 to 65535", out sandboxPort);
                    break;
                case "--sandbox-prospects":
                    problem = ParseInt(name, value, 0, 10_000_000, "a number of prospects from 0 to 10000000", out prospects);
                    break;
                case "--sandbox-duplicate-emails":
                    problem = ParseInt(name, value, 0, int.MaxValue, "0 (no duplicates) or a number of at least 2", out duplicateEvery)
                        ?? (duplicateEvery == 1 ? $"{name} '1' is not valid: expected 0 (no duplicates) or a number of at least 2." : null);
                    break;
                case "--mapping":
                    mapping = Path.GetFullPath(value, workingDirectory);
                    problem = File.Exists(mapping) ? null : $"--mapping '{value}': no such file ({mapping}).";
                    break;
                default:
                    state = Path.GetFullPath(value, workingDirectory);
                    break;
            }
        }

        if (problem is null && connectorPort == sandboxPort)
        {
            problem = string.Create(CultureInfo.InvariantCulture, $"--connector-port and --sandbox-port are both {connectorPort}: give them different ports.");
        }

        if (problem is null && !File.Exists(mapping))
        {
            problem = $"The default mapping {mapping} is missing: give one with --mapping.";
        }

        return problem is null ? new LocalRunOptions(connectorPort, sandboxPort, mapping, state, newSecret, prospects, duplicateEvery) : null;
    }

    private static string? ParseInt(string name, string value, int min, int max, string expected, out int result) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out result) && result >= min && result <= max
            ? null
            : $"{name} '{value}' is not valid: expected {expected}.";
}
