using HoMM.Storage.Postgres;

namespace HoMM.Storage.Tests.Postgres;

public sealed class PostgresConnectionStringTests
{
    [Theory]
    [InlineData("postgres://u:p@h/db", true)]
    [InlineData("postgresql://h/db", true)]
    [InlineData("Host=db1;Database=homm", true)]
    [InlineData("server=db1;database=homm", true)]
    [InlineData("homm.db", false)]
    [InlineData("/data/studies/homm.db", false)]
    [InlineData("weird=name.db", false)]
    public void IsPostgres_TellsUrlsAndHostStringsFromFiles(string value, bool expected) =>
        Assert.Equal(expected, PostgresConnectionString.IsPostgres(value));

    [Fact]
    public void Parse_Url_TakesEveryPartAndDecodesThem()
    {
        var b = PostgresConnectionString.Parse("postgres://homm%40lab:p%3Ass%2Fw@db1.lab:6543/my%20study?sslmode=require&connect_timeout=7");

        Assert.Equal("db1.lab", b.Host);
        Assert.Equal(6543, b.Port);
        Assert.Equal("homm@lab", b.Username);
        Assert.Equal("p:ss/w", b.Password);
        Assert.Equal("my study", b.Database);
        Assert.Equal(Npgsql.SslMode.Require, b.SslMode);
        Assert.Equal(7, b.Timeout);
        Assert.Equal("homm-search", b.ApplicationName);
    }

    [Fact]
    public void Parse_UrlWithoutPort_Uses5432()
    {
        Assert.Equal(5432, PostgresConnectionString.Parse("postgresql://h/db").Port);
    }

    [Fact]
    public void Parse_KeywordString_KeepsItsValues()
    {
        var b = PostgresConnectionString.Parse("Host=db1;Port=5433;Username=u;Password=p;Database=d;Application Name=mine");

        Assert.Equal(("db1", 5433, "u", "p", "d", "mine"), (b.Host, b.Port, b.Username, b.Password, b.Database, b.ApplicationName));
    }

    [Fact]
    public void Parse_UnknownUrlOption_NamesItWithoutThePassword()
    {
        var ex = Assert.Throws<ArgumentException>(() => PostgresConnectionString.Parse("postgres://u:secret@h/db?frobnicate=1"));

        Assert.Contains("frobnicate=1", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NoHost_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => PostgresConnectionString.Parse("Database=d;Password=secret"));

        Assert.Contains("names no host", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("postgres://u:secret@h:5432/db", "postgres://u:***@h:5432/db")]
    [InlineData("postgres://h/db", "postgres://h/db")]
    [InlineData("Host=h;Password=secret;Database=d", "Host=h;Password=***;Database=d")]
    public void Redact_HidesThePassword(string value, string expected) =>
        Assert.Equal(expected, PostgresConnectionString.Redact(value));

    [Fact]
    public void Describe_NamesDatabaseHostAndUserButNotPassword()
    {
        var d = PostgresConnectionString.Describe(PostgresConnectionString.Parse("postgres://u:secret@h:1/db"));

        Assert.Equal("PostgreSQL database db on h:1 as u", d);
    }
}
