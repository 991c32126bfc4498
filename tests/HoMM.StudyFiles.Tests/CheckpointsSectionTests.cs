namespace HoMM.StudyFiles.Tests;

public class CheckpointsSectionTests
{
    [Theory]
    [InlineData("checkpoints: {keep: best-3}", CheckpointKeep.Best, 3)]
    [InlineData("checkpoints: {keep: none}", CheckpointKeep.None, 0)]
    [InlineData("checkpoints: {keep: all}", CheckpointKeep.All, 0)]
    [InlineData("", CheckpointKeep.All, 0)]
    public void Parse_CheckpointsKeep_IsRead(string section, CheckpointKeep keep, int best)
    {
        var study = StudyYaml.ParseValid(StudyYaml.Valid + "\n" + section + "\n");

        Assert.Equal(new CheckpointRetention(keep, best), study.Checkpoints);
    }

    [Theory]
    [InlineData("best-0")]
    [InlineData("best")]
    [InlineData("top-3")]
    public void Parse_BadKeep_LocatedErrorNamesTheChoices(string keep)
    {
        var error = StudyYaml.SingleError(StudyYaml.Valid + "\ncheckpoints: {keep: " + keep + "}\n");

        Assert.Equal("checkpoints.keep", error.Path);
        Assert.True(error.Line > 0);
        Assert.Contains("best-N", error.Message, StringComparison.Ordinal);
        Assert.Contains(keep, error.Message, StringComparison.Ordinal);
    }
}
