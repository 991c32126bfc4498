namespace HoMM.StudyFiles.Tests;

public sealed class StudyNamesTests
{
    [Theory]
    [InlineData("fmnist")]
    [InlineData("fmnist-overnight.v2_b")]
    [InlineData("9lives")]
    public void Problem_ValidName_IsNull(string name) => Assert.Null(StudyNames.Problem(name));

    [Theory]
    [InlineData("")]
    [InlineData("../../evil")]
    [InlineData("/abs/path")]
    [InlineData("a\nb")]
    [InlineData("fmnist\n")]
    [InlineData("<script>")]
    [InlineData(".hidden")]
    [InlineData("-dash")]
    public void Problem_InvalidName_SaysTheRule(string name) =>
        Assert.Contains("is not a valid study name; use ASCII letters, digits, '.', '_' and '-' (starting with a letter or digit, at most 100 characters)",
            StudyNames.Problem(name), StringComparison.Ordinal);

    [Fact]
    public void IsValid_LengthLimit_HundredCharactersAtMost()
    {
        Assert.True(StudyNames.IsValid(new string('a', 100)));
        Assert.False(StudyNames.IsValid(new string('a', 101)));
    }
}
