using System.Net;
using System.Net.Sockets;

namespace OutreachFunctions.Tests.LocalRun;

/// <summary>The local run's arguments: help, refused arguments and busy ports end it at once with a clear message.</summary>
[Collection(LocalRunCollection.Name)]
public sealed class LocalRunCommandLineTests
{
    private static readonly string[] Options =
        ["--connector-port", "--sandbox-port", "--mapping", "--state", "--new-secret", "--sandbox-prospects", "--sandbox-duplicate-emails", "--help"];

    [Fact]
    public async Task Help_prints_every_option_on_a_line_of_its_own_and_exits_0()
    {
        var (exitCode, output, error) = await LocalRunProcess.RunToExitAsync("--help");

        Assert.Equal(0, exitCode);
        Assert.Empty(error);
        var lines = output.Split('\n');
        foreach (var option in Options)
        {
            Assert.Single(lines, line => line.TrimStart().StartsWith(option + " ", StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData("Unknown argument '--bogus'.", "--bogus")]
    [InlineData("--sandbox-prospects 'many' is not valid", "--sandbox-prospects", "many")]
    [InlineData("--connector-port '70000' is not valid", "--connector-port", "70000")]
    [InlineData("--sandbox-duplicate-emails '1' is not valid", "--sandbox-duplicate-emails", "1")]
    [InlineData("--state needs a value.", "--state")]
    [InlineData("--mapping 'samples/none.json': no such file", "--mapping", "samples/none.json")]
    public async Task A_refused_argument_is_named_on_one_line_followed_by_the_usage_and_exits_2(string expected, params string[] arguments)
    {
        var (exitCode, output, error) = await LocalRunProcess.RunToExitAsync(arguments);

        Assert.Equal(2, exitCode);
        Assert.Empty(output);
        var lines = error.Split('\n');
        Assert.StartsWith(expected, lines[0], StringComparison.Ordinal);
        Assert.StartsWith("Usage:", lines[1], StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--connector-port")]
    [InlineData("--sandbox-port")]
    public async Task A_busy_port_is_one_line_naming_the_port_and_the_flag_that_moves_it_and_exits_2(string flag)
    {
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var busy = ((IPEndPoint)holder.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var other = flag == "--connector-port" ? "--sandbox-port" : "--connector-port";
        var state = Directory.CreateTempSubdirectory("localrun-busy-");

        var (exitCode, output, error) = await LocalRunProcess.RunToExitAsync(
            flag, busy, other, Outreach.Testing.LoopbackPort.GetFree().ToString(System.Globalization.CultureInfo.InvariantCulture), "--state", state.FullName);

        Assert.Equal(2, exitCode);
        Assert.Empty(output);
        Assert.Equal($"Port {busy} on 127.0.0.1 is already in use: stop what holds it or choose another port with {flag}.", error.TrimEnd('\n'));
    }
}
