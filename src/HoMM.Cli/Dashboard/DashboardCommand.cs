using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using HoMM.Cli.Common;
using HoMM.Dashboard;
using HoMM.Dispatch.Cluster;
using HoMM.Dispatch.Scheduling;
using HoMM.Reports.Html;

namespace HoMM.Cli.Dashboard;

/// <summary>
/// <c>homm-search dashboard [--db] [--port 5080] [--host 127.0.0.1] [--token …]</c>: serves the live
/// web dashboard of a database until Ctrl-C. On a loopback address no token is needed. On any
/// other address the dashboard always has a token: the given one, or a random one generated
/// here and printed in the link to open (the Jupyter way), so an exposed dashboard never lets
/// strangers stop trials or even read the studies.
/// </summary>
public static class DashboardCommand
{
    public const int ExitOk = 0;
    public const int ExitUsage = 2;
    public const int ExitCannotServe = 5;

    public static Command Create()
    {
        var command = new Command("dashboard", "Serve the live web dashboard of a database (studies, trials, plots, logs; stop/pause/enqueue)");
        var db = StoreOpener.CreateDbOption();
        var port = new Option<int>("--port") { Description = "the port to listen on (0: any free port)", DefaultValueFactory = _ => DashboardOptions.DefaultPort };
        var host = new Option<string>("--host")
        {
            Description = "the address to bind: 127.0.0.1 (this machine only, the default), 0.0.0.0 (every interface: a token is then required and generated when not given)",
            DefaultValueFactory = _ => DashboardOptions.DefaultHost,
        };
        var token = new Option<string?>("--token") { Description = "the secret a browser or API client must present (Authorization: Bearer …, or open the printed link)" };
        command.Options.Add(db);
        command.Options.Add(port);
        command.Options.Add(host);
        command.Options.Add(token);
        command.SetAction((parse, cancellationToken) => RunAsync(
            parse.GetValue(db), parse.GetValue(host)!, parse.GetValue(port), parse.GetValue(token),
            parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, cancellationToken));
        return command;
    }

    /// <summary>Serves the dashboard until <paramref name="cancellationToken"/> is cancelled (Ctrl-C);
    /// <paramref name="started"/> is called with the address to open (token included) once it listens.</summary>
    public static async Task<int> RunAsync(
        string? db, string host, int port, string? token, TextWriter output, TextWriter error,
        CancellationToken cancellationToken, Action<Uri>? started = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (port is < 0 or > 65535)
        {
            error.WriteLine($"--port {port} is not a port: give 1-65535 (or 0 for any free port)");
            return ExitUsage;
        }
        if (string.IsNullOrWhiteSpace(host) || (!DashboardOptions.IsLoopbackHost(host) && !IPAddress.TryParse(host.Trim('[', ']'), out _)))
        {
            error.WriteLine($"--host '{host}' is not an IP address of this machine: use 127.0.0.1 (default), 0.0.0.0 (every interface), ::1 or localhost");
            return ExitUsage;
        }
        if (token is { Length: > 0 and < 16 })
        {
            error.WriteLine($"--token is {token.Length} characters long: use at least 16 (or leave it out on a non-loopback host to get a random one)");
            return ExitUsage;
        }
        var generated = false;
        if (string.IsNullOrEmpty(token) && !DashboardOptions.IsLoopbackHost(host))
        {
            // A secret, so from the operating system's cryptographic generator, not a seeded one.
            token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_');
            generated = true;
        }

        OpenedStore opened;
        try
        {
            opened = await StoreOpener.OpenAsync(db, StoreAccess.ExistingOnly, cancellationToken: cancellationToken);
        }
        catch (StoreOpenException e)
        {
            error.WriteLine(e.Message);
            return StoreOpener.ExitStoreError;
        }
        using var store = opened;
        // Hangfire's dashboard of each study's queue (/hangfire/{study}/): opened only where a run made one.
        JobStoreOptions? queues;
        try
        {
            queues = store.Kind == StoreKind.Sqlite
                ? JobStoreOptions.SqliteBeside(store.Location.Value)
                : await ClusterQueue.ExistingAsync(store.Location.Value, cancellationToken);
        }
        catch (Npgsql.NpgsqlException e)
        {
            error.WriteLine($"cannot read the cluster's queue in {store.Location.Display}: {e.Message}");
            return StoreOpener.ExitStoreError;
        }
        Microsoft.AspNetCore.Builder.WebApplication app;
        try
        {
            app = DashboardServer.Build(store.Store, new DashboardOptions
            {
                Host = host,
                Port = port,
                Token = string.IsNullOrEmpty(token) ? null : token,
                CountModel = HoMM.Cli.Run.TrainerLocator.CountModel, // max_params/max_flops of an enqueued trial are checked at once
                OpenQueue = queues is null ? null : queues.OpenExisting,
            });
        }
        catch (Exception e) when (e is DirectoryNotFoundException or PlotlyNotFoundException)
        {
            error.WriteLine(e.Message);
            return ExitCannotServe;
        }
        await using (app)
        {
            try
            {
                await app.StartAsync(cancellationToken);
            }
            catch (IOException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse } || e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                error.WriteLine($"port {port} on {host} is already in use (another dashboard?): choose another with --port, e.g. --port {port + 1}");
                return ExitCannotServe;
            }
            catch (SocketException e)
            {
                error.WriteLine($"cannot listen on {host}:{port}: {e.Message}");
                return ExitCannotServe;
            }
            var link = Link(DashboardServer.Address(app), token);
            output.WriteLine($"HoMM Search dashboard of {store.Location.Display}");
            output.WriteLine($"  open {link}");
            if (generated)
                output.WriteLine("  (bound to " + host + " with a generated token: anyone with this link can read the studies and stop, pause or enqueue trials; give --token to choose it)");
            else if (token is null)
                output.WriteLine("  (this machine only; reach it from elsewhere with ssh -L " + DashboardServer.Address(app).Port.ToString(CultureInfo.InvariantCulture) + ":127.0.0.1:" + DashboardServer.Address(app).Port.ToString(CultureInfo.InvariantCulture) + " <this host>)");
            output.WriteLine("  Ctrl-C to stop");
            output.Flush();
            started?.Invoke(link);
            // Ctrl-C or SIGTERM reaches either the command line's token or the web host's own
            // console lifetime (which takes the signal and stops the application): wait for both.
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, app.Lifetime.ApplicationStopping);
            try
            {
                await Task.Delay(Timeout.Infinite, stop.Token);
            }
            catch (OperationCanceledException)
            {
                // Ctrl-C: the normal way to stop.
            }
            await app.StopAsync(CancellationToken.None);
        }
        return ExitOk;
    }

    /// <summary>The address to open: every interface (0.0.0.0, ::) is shown as this machine's name.</summary>
    private static Uri Link(Uri address, string? token)
    {
        var builder = new UriBuilder(address);
        if (builder.Host is "0.0.0.0" or "[::]" or "::")
            builder.Host = Dns.GetHostName();
        builder.Path = "/";
        if (!string.IsNullOrEmpty(token))
            builder.Query = "token=" + Uri.EscapeDataString(token);
        return builder.Uri;
    }
}
