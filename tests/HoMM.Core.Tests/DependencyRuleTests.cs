using System.Reflection;
using System.Runtime.InteropServices;
using System.Xml.Linq;
using HoMM.Tests.Shared;
using HoMM.Core.SearchSpace;

namespace HoMM.Core.Tests;

/// <summary>Core is the pure centre: it depends on nothing of ours and on no I/O framework.</summary>
public class DependencyRuleTests
{
    private static readonly Assembly Core = typeof(Distribution).Assembly;

    private static readonly string[] ForbiddenPrefixes =
    [
        "HoMM.", "Microsoft.EntityFrameworkCore", "Microsoft.Data.Sqlite", "Npgsql", "Quartz",
        "Microsoft.AspNetCore", "Microsoft.Extensions.Hosting", "YamlDotNet",
    ];

    [Fact]
    public void CoreAssembly_References_NoProjectOfOursAndNoInfrastructure()
    {
        var offending = Core.GetReferencedAssemblies()
            .Select(a => a.Name!)
            .Where(n => ForbiddenPrefixes.Any(p => n.StartsWith(p, StringComparison.Ordinal)))
            .ToList();

        Assert.Empty(offending);
    }

    [Fact]
    public void CoreAssembly_Declares_NoNativeImports()
    {
        var natives = Core.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Where(m => m.Attributes.HasFlag(MethodAttributes.PinvokeImpl)
                        || m.GetCustomAttribute<DllImportAttribute>() is not null
                        || m.GetCustomAttribute<LibraryImportAttribute>() is not null)
            .Select(m => $"{m.DeclaringType}.{m.Name}")
            .ToList();

        Assert.Empty(natives);
    }

    [Fact]
    public void CoreProjectFile_Has_NoProjectOrPackageReferences()
    {
        var csproj = XDocument.Load(Path.Combine(RepositoryRoot.Find(), "src", "HoMM.Core", "HoMM.Core.csproj"));
        var references = csproj.Descendants()
            .Where(e => e.Name.LocalName is "ProjectReference" or "PackageReference" or "NativeLibrary" or "Reference")
            .Select(e => (string?)e.Attribute("Include"))
            .ToList();

        Assert.Empty(references);
    }
}
