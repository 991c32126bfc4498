using HoMM.Dispatch.Processes;

namespace HoMM.Dispatch.Tests.Processes;

public class ProcFsTests
{
    [Fact]
    public void ParseStat_CommandWithSpacesAndParens_ReadsFieldsAfterTheLastParen()
    {
        var line = "4242 (my (odd) trainer) S 1 4242 4242 0 -1 4194560 100 0 0 0 5 3 0 0 20 0 1 0 987654 1000 50 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0";

        var stat = ProcFs.ParseStat(line);

        Assert.NotNull(stat);
        Assert.Equal(new ProcStat(4242, "my (odd) trainer", 'S', 1, 4242, 4242, 987654), stat);
    }

    [Fact]
    public void ReadStat_Self_MatchesEnvironment()
    {
        var stat = ProcFs.ReadStat(Environment.ProcessId);

        Assert.NotNull(stat);
        Assert.Equal(Environment.ProcessId, stat.Pid);
        Assert.True(stat.StartTime > 0);
        Assert.Null(ProcFs.ReadStat(int.MaxValue));
    }
}
