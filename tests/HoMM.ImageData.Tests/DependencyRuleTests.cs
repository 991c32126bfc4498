using System.Xml.Linq;
using HoMM.Tests.Shared;
using HoMM.ImageData.Index;

namespace HoMM.ImageData.Tests;

/// <summary>
/// HoMM.ImageData is torch-free and stands alone: the trainer and the CLI use it, it uses no
/// project of ours and no package (its native libraries are Debian's libturbojpeg and libpng).
/// </summary>
public class DependencyRuleTests
{
    [Fact]
    public void ImageDataAssembly_References_NoProjectOfOursAndNoTorch()
    {
        var offending = typeof(ImageFolderIndex).Assembly.GetReferencedAssemblies()
            .Select(a => a.Name!)
            .Where(n => n.StartsWith("HoMM.", StringComparison.Ordinal) || n.Contains("Torch", StringComparison.OrdinalIgnoreCase))
            .ToList();

        Assert.Empty(offending);
    }

    [Fact]
    public void ImageDataProjectFile_Has_NoProjectOrPackageReferences()
    {
        var csproj = XDocument.Load(Path.Combine(RepositoryRoot.Find(), "src", "HoMM.ImageData", "HoMM.ImageData.csproj"));
        var references = csproj.Descendants()
            .Where(e => e.Name.LocalName is "ProjectReference" or "PackageReference" or "Reference")
            .Select(e => (string?)e.Attribute("Include"))
            .ToList();

        Assert.Empty(references);
    }
}
