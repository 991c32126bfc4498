using System.Globalization;
using Npgsql;

namespace HoMM.Storage.Postgres;

/// <summary>
/// The two ways a user names a PostgreSQL database on the command line: a URL
/// (<c>postgres://user:password@host:5432/db?sslmode=require</c>, as libpq and most hosting
/// services write it) or Npgsql's keyword form (<c>Host=db1;Username=homm;Password=…;Database=homm</c>).
/// </summary>
public static class PostgresConnectionString
{
    private const int DefaultPort = 5432;

    /// <summary>Whether <paramref name="value"/> names a PostgreSQL database (a URL or a <c>Host=</c> string)
    /// rather than a SQLite file.</summary>
    public static bool IsPostgres(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var v = value.TrimStart();
        return v.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
            || v.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase)
            || (v.Contains('=', StringComparison.Ordinal) && v.Split(';').Any(IsHostKeyword));

        static bool IsHostKeyword(string part)
        {
            var key = part.Split('=', 2)[0].Trim();
            return key.Equals("Host", StringComparison.OrdinalIgnoreCase) || key.Equals("Server", StringComparison.OrdinalIgnoreCase);
        }
    }

    /// <summary>
    /// Turns either form into Npgsql's keyword form. The application name defaults to
    /// <c>homm-search</c>, so a DBA sees who holds a connection.
    /// </summary>
    /// <exception cref="ArgumentException">The value is neither form, or has an unknown keyword; the message says which part.</exception>
    public static NpgsqlConnectionStringBuilder Parse(string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        var v = value.Trim();
        var builder = v.Contains("://", StringComparison.Ordinal) ? FromUrl(v) : FromKeywords(v);
        if (string.IsNullOrEmpty(builder.Host))
            throw new ArgumentException($"the PostgreSQL connection '{Redact(v)}' names no host; write postgres://user:password@host:port/database or Host=...;Database=...", nameof(value));
        if (string.IsNullOrEmpty(builder.ApplicationName))
            builder.ApplicationName = "homm-search";
        return builder;
    }

    /// <summary>"database homm on db1:5432 as homm" (never the password), for messages.</summary>
    public static string Describe(NpgsqlConnectionStringBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var user = string.IsNullOrEmpty(builder.Username) ? "" : $" as {builder.Username}";
        return $"PostgreSQL database {builder.Database ?? builder.Username ?? "(default)"} on {builder.Host}:{builder.Port}{user}";
    }

    private static NpgsqlConnectionStringBuilder FromKeywords(string value)
    {
        try
        {
            return new NpgsqlConnectionStringBuilder(value);
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"the PostgreSQL connection string '{Redact(value)}' is not valid: {ex.Message}", nameof(value), ex);
        }
    }

    private static NpgsqlConnectionStringBuilder FromUrl(string value)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("postgres" or "postgresql"))
        {
            throw new ArgumentException(
                $"'{Redact(value)}' is not a PostgreSQL URL; write postgres://user:password@host:port/database (special characters in the password %-encoded)",
                nameof(value));
        }
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host.Trim('[', ']'),
            Port = uri.IsDefaultPort || uri.Port < 0 ? DefaultPort : uri.Port,
        };
        if (uri.UserInfo.Length > 0)
        {
            var parts = uri.UserInfo.Split(':', 2);
            builder.Username = Uri.UnescapeDataString(parts[0]);
            if (parts.Length == 2)
                builder.Password = Uri.UnescapeDataString(parts[1]);
        }
        var database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (database.Length > 0)
            builder.Database = database;

        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = pair.Split('=', 2);
            var key = Uri.UnescapeDataString(kv[0]);
            var val = kv.Length == 2 ? Uri.UnescapeDataString(kv[1]) : "";
            try
            {
                builder[UrlKeyword(key)] = val;
            }
            catch (Exception ex) when (ex is ArgumentException or FormatException or KeyNotFoundException)
            {
                throw new ArgumentException(
                    $"the PostgreSQL URL '{Redact(value)}' has the option '{key}={val}' that Npgsql does not accept ({ex.Message}); " +
                    "use Npgsql's connection-string keywords, e.g. ?sslmode=require&timeout=30",
                    nameof(value), ex);
            }
        }
        return builder;
    }

    // libpq's URL options that Npgsql spells differently.
    private static string UrlKeyword(string key) => key.ToLowerInvariant() switch
    {
        "sslmode" => "SSL Mode",
        "connect_timeout" => "Timeout",
        "application_name" => "Application Name",
        "sslrootcert" => "Root Certificate",
        "sslcert" => "SSL Certificate",
        "sslkey" => "SSL Key",
        _ => key,
    };

    /// <summary>The value with any password replaced by ***, safe to print.</summary>
    public static string Redact(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Contains("://", StringComparison.Ordinal))
        {
            var at = value.IndexOf('@', StringComparison.Ordinal);
            var scheme = value.IndexOf("://", StringComparison.Ordinal) + 3;
            if (at > scheme)
            {
                var colon = value.IndexOf(':', scheme);
                if (colon > 0 && colon < at)
                    return string.Concat(value.AsSpan(0, colon + 1), "***", value.AsSpan(at));
            }
            return value;
        }
        var parts = value.Split(';').Select(p =>
        {
            var key = p.Split('=', 2)[0].Trim();
            return key.Equals("Password", StringComparison.OrdinalIgnoreCase) || key.Equals("Pwd", StringComparison.OrdinalIgnoreCase)
                ? string.Create(CultureInfo.InvariantCulture, $"{p.Split('=', 2)[0]}=***")
                : p;
        });
        return string.Join(';', parts);
    }
}
