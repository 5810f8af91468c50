using System.Diagnostics;

namespace OutreachFunctions.Tests.Monitoring;

/// <summary>
/// Debian's headless Chromium, run once per page: <c>--dump-dom</c> after a virtual time budget prints the DOM the page's
/// script rendered. Fails with an install hint when <c>/usr/bin/chromium</c> is missing (eng/chromium.sh installs it).
/// </summary>
public static class HeadlessChromium
{
    /// <summary>Where Debian's package puts the browser.</summary>
    public const string Path = "/usr/bin/chromium";

    /// <summary>Loads <paramref name="url"/> and returns the rendered DOM as HTML.</summary>
    /// <remarks>With OUTREACH_STATUS_SCREENSHOT set to a .png path, also saves a screenshot there, to look at the page.</remarks>
    public static async Task<string> DumpDomAsync(Uri url)
    {
        if (Environment.GetEnvironmentVariable("OUTREACH_STATUS_SCREENSHOT") is { Length: > 0 } screenshot)
        {
            await RunAsync(url, "--window-size=1280,1700", "--screenshot=" + screenshot);
        }

        return await RunAsync(url, "--dump-dom");
    }

    private static async Task<string> RunAsync(Uri url, params string[] output)
    {
        ArgumentNullException.ThrowIfNull(url);
        Assert.True(File.Exists(Path),
            $"{Path} is missing: the status page test needs headless Chromium. Install it with `source eng/chromium.sh && install_chromium` " +
            "(or `apt-get install -y chromium`); eng/test.sh does this.");
        var profile = Directory.CreateTempSubdirectory("chromium-profile-");
        try
        {
            var start = new ProcessStartInfo(Path)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in new[]
            {
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--user-data-dir=" + profile.FullName,
                "--virtual-time-budget=10000",
            }.Concat(output).Append(url.ToString()))
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start) ?? throw new InvalidOperationException("Chromium did not start.");
            var standardOutput = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            try
            {
                await process.WaitForExitAsync(bound.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail("Chromium did not finish rendering the page: " + await errors);
            }

            var printed = await standardOutput;
            Assert.True(printed.Length > 0 || !output.Contains("--dump-dom"), $"Chromium printed no DOM (exit {process.ExitCode}): {await errors}");
            return printed;
        }
        finally
        {
            try
            {
                profile.Delete(recursive: true);
            }
            catch (IOException)
            {
                // A crash reporter may still hold a file for a moment; the folder is in the temp directory anyway.
            }
        }
    }
}
