using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Npgsql;

namespace HoMM.Testing;

/// <summary>
/// A throwaway PostgreSQL server for tests: initdb into a fresh temp directory, listening on
/// 127.0.0.1 on a free port (no Unix socket), started with pg_ctl and stopped (and deleted) on
/// <see cref="Dispose"/>. Tests ask it for a fresh database each.
/// <para>
/// initdb refuses to run as root, so as root (CI) the server runs as the unprivileged
/// <c>postgres</c> user that Debian's package creates, owning the directory. If the server cannot
/// start the constructor throws with initdb's or the server's own words: the tests that need it
/// fail, they are never skipped.
/// </para>
/// <para>
/// Durability is off (fsync, synchronous_commit, full_page_writes): the server dies with the test
/// run, so only speed matters. The store's behaviour under concurrency does not depend on them.
/// </para>
/// </summary>
/// <remarks>This file is linked into every test project that needs PostgreSQL.</remarks>
public sealed class PostgresServer : IDisposable
{
    public const string User = "homm";
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(120);

    private readonly string directory;
    private readonly string dataDirectory;
    private readonly string binDirectory;
    private readonly string? runAs;
    private readonly string password = Convert.ToHexString(RandomNumberGenerator.GetBytes(8)).ToLowerInvariant();
    private int disposed;
    private int databaseCounter;

    public PostgresServer()
    {
        binDirectory = FindBinaries();
        // Environment.UserName is the effective user's name (getpwuid(geteuid())).
        runAs = Environment.UserName == "root" ? "postgres" : null;
        directory = Directory.CreateTempSubdirectory("homm-pg-").FullName;
        dataDirectory = Path.Combine(directory, "data");
        try
        {
            Port = Initialize();
            AppDomain.CurrentDomain.ProcessExit += (_, _) => Dispose();
        }
        catch
        {
            DeleteDirectory();
            throw;
        }
    }

    public int Port { get; private set; }

    /// <summary><c>postgres://homm:…@127.0.0.1:PORT/DATABASE</c>.</summary>
    public string Url(string database) => $"postgres://{User}:{password}@127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}/{database}";

    /// <summary>The same database in Npgsql's keyword form.</summary>
    public string KeywordConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = User,
        Password = password,
        Database = database,
    }.ConnectionString;

    /// <summary>Creates an empty database with a unique name (prefix + counter) and returns its name.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix = "t")
    {
        var name = $"{prefix}_{Interlocked.Increment(ref databaseCounter).ToString(CultureInfo.InvariantCulture)}";
        await ExecuteAsync($"CREATE DATABASE \"{name}\"");
        return name;
    }

    /// <summary>Drops a database, closing any connection still open to it.</summary>
    public async Task DropDatabaseAsync(string name)
    {
        NpgsqlConnection.ClearAllPools();
        await ExecuteAsync($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
    }

    /// <summary>Runs one statement in the maintenance database as the superuser.</summary>
    public async Task ExecuteAsync(string sql, string database = "postgres")
    {
        await using var connection = new NpgsqlConnection(KeywordConnectionString(database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Runs one query and returns its first column of the first row.</summary>
    public async Task<object?> ScalarAsync(string sql, string database)
    {
        await using var connection = new NpgsqlConnection(KeywordConnectionString(database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
            return;
        try
        {
            NpgsqlConnection.ClearAllPools();
            Run("pg_ctl", ["-D", dataDirectory, "-m", "immediate", "-w", "stop"], allowFailure: true);
        }
        finally
        {
            DeleteDirectory();
        }
    }

    private int Initialize()
    {
        var passwordFile = Path.Combine(directory, "pw");
        File.WriteAllText(passwordFile, password + "\n");
        if (runAs is not null)
            RunTool("chown", ["-R", $"{runAs}:", directory]);
        Run("initdb", ["-D", dataDirectory, "-U", User, $"--pwfile={passwordFile}", "-A", "scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync"]);

        // A free port can be taken by someone else between our probe and the server's bind: try a few.
        var log = Path.Combine(directory, "server.log");
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort();
            File.AppendAllText(Path.Combine(dataDirectory, "postgresql.conf"), string.Create(CultureInfo.InvariantCulture, $"""

                # homm-search test server
                listen_addresses = '127.0.0.1'
                port = {port}
                unix_socket_directories = ''
                max_connections = 300
                fsync = off
                synchronous_commit = off
                full_page_writes = off

                """));
            var (ok, output) = Run("pg_ctl", ["-D", dataDirectory, "-l", log, "-w", "-t", "60", "start"], allowFailure: true);
            if (ok)
                return port;
            var serverLog = File.Exists(log) ? File.ReadAllText(log) : "(no server log)";
            if (attempt < 3 && serverLog.Contains("could not bind", StringComparison.Ordinal))
                continue;
            throw new InvalidOperationException(
                $"the test PostgreSQL server did not start (pg_ctl in {binDirectory}, data in {dataDirectory}, port {port}).\n" +
                $"pg_ctl said:\n{output}\nserver log:\n{serverLog}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Runs a PostgreSQL program, as the unprivileged user when we are root.</summary>
    private (bool Ok, string Output) Run(string program, IReadOnlyList<string> args, bool allowFailure = false)
    {
        var path = Path.Combine(binDirectory, program);
        return runAs is null
            ? RunTool(path, args, allowFailure)
            : RunTool("runuser", ["-u", runAs, "--", path, .. args], allowFailure);
    }

    private static (bool Ok, string Output) RunTool(string file, IReadOnlyList<string> args, bool allowFailure = false)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            // The server must not inherit the test host's temp dir or locale quirks.
            WorkingDirectory = "/",
        };
        foreach (var a in args)
            info.ArgumentList.Add(a);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {file}");
        process.StandardInput.Close();
        // Read both streams to the end concurrently: pg_ctl start leaves the server holding
        // neither (it logs to a file), so they close when pg_ctl exits.
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(CommandTimeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in {CommandTimeout.TotalSeconds:F0} s");
        }
        var output = stdout.Result + stderr.Result;
        var ok = process.ExitCode == 0;
        if (!ok && !allowFailure)
            throw new InvalidOperationException($"`{file} {string.Join(' ', args)}` failed with exit code {process.ExitCode}:\n{output}");
        return (ok, output);
    }

    private static string FindBinaries()
    {
        if (Environment.GetEnvironmentVariable("HOMM_PG_BIN") is { Length: > 0 } fromEnv)
            return fromEnv;
        // Debian puts the server programs in /usr/lib/postgresql/<major>/bin, off PATH.
        var debian = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0)
                .FirstOrDefault()
            : null;
        if (debian is not null)
            return debian;
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')
            .FirstOrDefault(d => d.Length > 0 && File.Exists(Path.Combine(d, "initdb")));
        return onPath ?? throw new InvalidOperationException(
            "the PostgreSQL server programs (initdb, pg_ctl) were not found in /usr/lib/postgresql/*/bin or on PATH. " +
            "Run scripts/bootstrap (it installs Debian's postgresql package), or set HOMM_PG_BIN to the folder holding initdb.");
    }

    private void DeleteDirectory()
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A server that would not stop may still hold files; the temp cleaner gets them.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
