using System.Text.RegularExpressions;
using Outreach.Testing;
using OutreachFunctions.Hosting;
using OutreachFunctions.Tests.Functions.Infrastructure;

namespace OutreachFunctions.Tests.Hosting;

// A setting is checked by the runtime that reads it: docs/functions.md's settings table (its "runtime" column) and
// RuntimeSettings say the same, and a setting of the other runtime cannot make the app misconfigured.
public sealed partial class RuntimeSettingsTests
{
    [Fact]
    public void The_settings_table_and_the_code_name_the_same_runtime_for_every_setting()
    {
        var rows = SettingsTable();
        Assert.NotEmpty(rows);
        foreach (var (setting, runtime) in rows)
        {
            ConnectorMode? documented = runtime switch
            {
                "both" => null,
                "Functions" => ConnectorMode.Functions,
                "standalone" => ConnectorMode.Standalone,
                _ => throw new InvalidOperationException($"docs/functions.md names the runtime '{runtime}' for {setting}; use Functions, standalone or both."),
            };
            Assert.True(documented == RuntimeSettings.OnlyFor(setting), $"{setting}: docs/functions.md says {runtime}, RuntimeSettings says {RuntimeSettings.OnlyFor(setting)?.ToString() ?? "both"}");
        }

        var documentedSettings = rows.Select(row => row.Setting).ToHashSet(StringComparer.OrdinalIgnoreCase);
        // A section (Name__*) is documented by itself or by settings of that section.
        Assert.All(RuntimeSettings.OneRuntimeOnly.Keys, setting => Assert.True(
            documentedSettings.Contains(setting)
            || (setting.EndsWith("__*", StringComparison.Ordinal) && documentedSettings.Any(d => d.StartsWith(setting[..^1], StringComparison.OrdinalIgnoreCase))),
            $"{setting} is missing from docs/functions.md's settings table"));
    }

    [Fact]
    public async Task A_standalone_only_setting_cannot_make_the_Functions_app_misconfigured()
    {
        await using var handler = await FunctionsHandler.StartAsync(new Dictionary<string, string?>
        {
            ["Delivery:BatchSize"] = "0",
            ["Drain:GatherWait"] = "not a time",
            ["KeepAlive:Interval"] = "-1",
        });

        Assert.Empty(handler.Services.GetRequiredService<SettingsCheck>().Problems);
    }

    [Fact]
    public async Task A_setting_both_runtimes_read_still_makes_the_Functions_app_misconfigured()
    {
        await using var handler = await FunctionsHandler.StartAsync(new Dictionary<string, string?>
        {
            ["Delivery:BatchSize"] = "0",
            ["Delivery:MaxAttempts"] = "0",
        });

        var problem = Assert.Single(handler.Services.GetRequiredService<SettingsCheck>().Problems);
        Assert.Equal("Delivery__MaxAttempts", problem.Setting);
    }

    // (setting, runtime) for every setting in the first column of the table under "## Settings"; "__Key" after a full
    // name is short for the same section's key (`Outreach__ApiBaseUrl`, `__AuthorizeUrl`).
    private static List<(string Setting, string Runtime)> SettingsTable()
    {
        var text = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "docs", "functions.md"));
        var section = text[text.IndexOf("\n## Settings", StringComparison.Ordinal)..];
        section = section[..section.IndexOf("\n## ", 2, StringComparison.Ordinal)];
        var rows = new List<(string, string)>();
        foreach (var line in section.Split('\n').Where(l => l.StartsWith("| `", StringComparison.Ordinal)))
        {
            var cells = line.Split('|', StringSplitOptions.TrimEntries);
            var section_ = "";
            foreach (Match match in Quoted().Matches(cells[1]))
            {
                var name = match.Groups[1].Value;
                if (name.StartsWith("__", StringComparison.Ordinal))
                {
                    name = section_ + name;
                }
                else if (name.Contains("__", StringComparison.Ordinal))
                {
                    section_ = name[..name.IndexOf("__", StringComparison.Ordinal)];
                }
                else
                {
                    section_ = name;
                }

                rows.Add((name, cells[2]));
            }
        }

        return rows;
    }

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex Quoted();
}
