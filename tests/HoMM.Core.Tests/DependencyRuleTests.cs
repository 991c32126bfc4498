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
        "HoMM.", "Microsoft.EntityFrameworkCore", "Microsoft.Data.Sqlite", "Npgsql", "Hangfire",
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

    /// <summary>
    /// The allowed project references of every project under src/ (docs/architecture.md draws them).
    /// A new edge is a design decision: add it here and to the architecture page.
    /// </summary>
    private static readonly Dictionary<string, string[]> AllowedReferences = new(StringComparer.Ordinal)
    {
        ["HoMM.Core"] = [],
        ["HoMM.TrainerSettings"] = ["HoMM.Core"],
        ["HoMM.StudyFiles"] = ["HoMM.Core", "HoMM.TrainerSettings"],
        ["HoMM.Storage"] = ["HoMM.Core"],
        ["HoMM.Dispatch"] = ["HoMM.Core", "HoMM.Storage", "HoMM.StudyFiles"],
        ["HoMM.Reports"] = ["HoMM.Core", "HoMM.Storage"],
        // Dashboard reads a study's rules (constraints) from the study file stored with it.
        ["HoMM.Dashboard"] = ["HoMM.Core", "HoMM.Storage", "HoMM.Reports", "HoMM.StudyFiles"],
        ["HoMM.Torch"] = [],
        ["HoMM.Model"] = ["HoMM.Torch", "HoMM.TrainerSettings"],
        ["HoMM.ImageData"] = [],
        ["HoMM.Trainer"] = ["HoMM.Model", "HoMM.TrainerSettings", "HoMM.ImageData"],
        // The CLI reaches neither HoMM.Torch nor HoMM.Model: it does not ship libtorch.
        ["HoMM.Cli"] = ["HoMM.StudyFiles", "HoMM.Storage", "HoMM.Reports", "HoMM.Dispatch", "HoMM.Dashboard", "HoMM.ImageData"],
    };

    public static TheoryData<string> SourceProjects()
    {
        var data = new TheoryData<string>();
        foreach (var dir in Directory.GetDirectories(Path.Combine(RepositoryRoot.Find(), "src")).Order(StringComparer.Ordinal))
        {
            if (File.Exists(Path.Combine(dir, Path.GetFileName(dir) + ".csproj")))
                data.Add(Path.GetFileName(dir));
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(SourceProjects))]
    public void SourceProject_References_OnlyAllowedProjects(string project)
    {
        Assert.True(AllowedReferences.TryGetValue(project, out var allowed), $"{project} has no entry in the allowed-references table");
        var references = XDocument.Load(Path.Combine(RepositoryRoot.Find(), "src", project, project + ".csproj")).Descendants()
            .Where(e => e.Name.LocalName == "ProjectReference")
            .Select(e => Path.GetFileNameWithoutExtension((string)e.Attribute("Include")!));

        Assert.Empty(references.Except(allowed));
    }
}
