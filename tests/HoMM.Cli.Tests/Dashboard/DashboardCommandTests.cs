using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Net.Http.Headers;
using HoMM.Cli.Common;
using HoMM.Cli.Dashboard;
using HoMM.Core.SearchSpace;
using HoMM.Core.Trials;
using HoMM.Storage;
using HoMM.Storage.Sqlite;

namespace HoMM.Cli.Tests.Dashboard;

public sealed class DashboardCommandTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("homm-cli-dashboard-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private async Task<string> DatabaseWithAStudy()
    {
        var path = Path.Combine(folder, "homm.db");
        using var store = await SqliteTrialStore.OpenAsync(path);
        await store.CreateStudyAsync(new NewStudy("cli-study", StudyDirection.Maximize, "val/acc",
            new SearchSpaceDefinition([new ParameterSpec("lr", new FloatDistribution(1e-4, 1e-1, log: true))])));
        return path;
    }

    /// <summary>Runs the command until the test has checked it, then stops it as Ctrl-C would.</summary>
    private static async Task<(int Exit, string Output)> Serve(string db, string host, string? token, Func<Uri, Task> check)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        Exception? failure = null;
        var run = DashboardCommand.RunAsync(db, host, 0, token, output, error, stop.Token, started: link =>
            _ = Task.Run(async () =>
            {
                try
                {
                    await check(link);
                }
                catch (Exception e)
                {
                    failure = e;
                }
                finally
                {
                    await stop.CancelAsync();
                }
            }));
        var exit = await run;
        if (failure is not null)
            throw new Xunit.Sdk.XunitException($"check failed: {failure}\noutput: {output}\nerror: {error}");
        return (exit, output + error.ToString());
    }

    [Fact]
    public async Task Run_Loopback_ServesTheStudiesWithoutToken()
    {
        var db = await DatabaseWithAStudy();

        var (exit, output) = await Serve(db, "127.0.0.1", null, async link =>
        {
            Assert.Equal("127.0.0.1", link.Host);
            Assert.Empty(link.Query);
            using var client = new HttpClient();
            Assert.Contains("cli-study", await client.GetStringAsync(new Uri(link, "/api/studies")), StringComparison.Ordinal);
        });

        Assert.Equal(DashboardCommand.ExitOk, exit);
        Assert.Contains("open http://127.0.0.1:", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_EveryInterfaceWithoutToken_GeneratesOneAndRequiresIt()
    {
        var db = await DatabaseWithAStudy();

        var (exit, output) = await Serve(db, "0.0.0.0", null, async link =>
        {
            Assert.StartsWith("?token=", link.Query, StringComparison.Ordinal);
            var token = Uri.UnescapeDataString(link.Query["?token=".Length..]);
            Assert.True(token.Length >= 24);
            var api = new Uri($"http://127.0.0.1:{link.Port}/api/studies");
            using var client = new HttpClient();
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync(api)).StatusCode);
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(api)).StatusCode);
        });

        Assert.Equal(DashboardCommand.ExitOk, exit);
        Assert.Contains("generated token", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_MissingDatabase_StoreErrorAndNothingCreated()
    {
        var db = Path.Combine(folder, "typo.db");
        using var error = new StringWriter();

        var exit = await DashboardCommand.RunAsync(db, "127.0.0.1", 0, null, TextWriter.Null, error, CancellationToken.None);

        Assert.Equal(StoreOpener.ExitStoreError, exit);
        Assert.Contains("no database at", error.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(db));
    }

    [Theory]
    [InlineData("example.org", 0, null, "not an IP address")]
    [InlineData("127.0.0.1", 70000, null, "is not a port")]
    [InlineData("0.0.0.0", 0, "short", "at least 16")]
    public async Task Run_BadArguments_UsageErrorThatSaysWhy(string host, int port, string? token, string expected)
    {
        using var error = new StringWriter();

        var exit = await DashboardCommand.RunAsync(Path.Combine(folder, "homm.db"), host, port, token, TextWriter.Null, error, CancellationToken.None);

        Assert.Equal(DashboardCommand.ExitUsage, exit);
        Assert.Contains(expected, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_PortInUse_OnlyTheClearMessageNoLoggerLineOrStackTrace()
    {
        var db = await DatabaseWithAStudy();
        using var busy = new TcpListener(IPAddress.Loopback, 0);
        busy.Start();
        var port = ((IPEndPoint)busy.LocalEndpoint).Port;
        // A real process: the web host's console logger writes to the process's own streams.
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "homm-search.dll"), "dashboard", "--db", db, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture) })
            info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        var all = await stdout + await stderr;

        Assert.Equal(DashboardCommand.ExitCannotServe, process.ExitCode);
        Assert.Contains($"port {port} on 127.0.0.1 is already in use", all, StringComparison.Ordinal);
        Assert.DoesNotContain("fail:", all, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", all, StringComparison.Ordinal);
        Assert.Single(all.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
