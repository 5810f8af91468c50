using System.Globalization;

namespace OutreachFunctions.Probe;

/// <summary>What the probe found, as lines for the user, and the app settings it recommends.</summary>
public sealed class ProbeReport
{
    private readonly List<string> _findings = [];
    private readonly List<KeyValuePair<string, string>> _settings = [];

    /// <summary>The findings in the order they were made.</summary>
    public IReadOnlyList<string> Findings => _findings;

    /// <summary>The recommended settings, as <c>Section__Key</c> → value.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Settings => _settings;

    /// <summary>Whether the test prospect ended with its original values (read back and compared).</summary>
    public bool Restored { get; set; }

    /// <summary>Whether the probe stopped before its trials (e.g. the test prospect does not exist); nothing was written then.</summary>
    public bool Stopped { get; set; }

    /// <summary>
    /// The sequence check's verdict: true when the sequence and mailbox are ready for enrolment and the token's scopes
    /// allow it, false when a check failed, null when no sequence was checked.
    /// </summary>
    public bool? SequenceReady { get; set; }

    /// <summary>The exit code: 0 when every asked check passed (and the test prospect is restored), 1 otherwise.</summary>
    public int ExitCode => Restored && !Stopped && SequenceReady != false ? 0 : 1;

    /// <summary>Adds one finding line.</summary>
    public void Add(string finding) => _findings.Add(finding);

    /// <summary>Adds one finding line formatted with the invariant culture.</summary>
    public void Add(FormattableString finding)
    {
        ArgumentNullException.ThrowIfNull(finding);
        _findings.Add(finding.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>Recommends a setting (the last recommendation for a name wins).</summary>
    public void Recommend(string setting, string value)
    {
        _settings.RemoveAll(s => s.Key == setting);
        _settings.Add(new(setting, value));
    }

    /// <summary>Writes the findings, then the settings as app-setting lines.</summary>
    public async Task WriteAsync(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        foreach (var line in _findings)
        {
            await output.WriteLineAsync(line);
        }

        await output.WriteLineAsync("Settings to use (app settings):");
        foreach (var (name, value) in _settings)
        {
            await output.WriteLineAsync($"{name}={value}");
        }
    }
}
