namespace HoMM.Tests.Shared;

/// <summary>The clone's root: the folder above the test binaries that holds HoMM.Search.sln.</summary>
internal static class RepositoryRoot
{
    public static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "HoMM.Search.sln")))
                return dir.FullName;
        }

        throw new InvalidOperationException("HoMM.Search.sln not found above " + AppContext.BaseDirectory);
    }
}
