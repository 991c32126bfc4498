namespace HoMM.Cli.Tests.Common;

/// <summary>The checkout the tests run from (studies/, examples/, docs/).</summary>
internal static class Repository
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "HoMM.Search.sln")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("HoMM.Search.sln not found above " + AppContext.BaseDirectory);
    }
}
