using System.Text;
using HoMM.Dispatch.Protocol;

namespace HoMM.Dispatch.Tests.Protocol;

public class BoundedLineReaderTests
{
    private static async Task<List<ReadLine>> ReadAll(Stream s, int max)
    {
        var reader = new BoundedLineReader(s, max);
        var lines = new List<ReadLine>();
        while (await reader.ReadLineAsync() is { } line)
            lines.Add(line);
        return lines;
    }

    [Fact]
    public async Task ReadLineAsync_MixedEndings_SplitsLinesAndKeepsEmptyOnes()
    {
        var lines = await ReadAll(new MemoryStream(Encoding.UTF8.GetBytes("a\r\n\nbé\nlast")), 100);
        Assert.Equal(["a", "", "bé", "last"], lines.Select(l => l.Text));
        Assert.All(lines, l => Assert.False(l.Truncated));
    }

    [Fact]
    public async Task ReadLineAsync_LineLongerThanLimit_IsCutAndNextLineIsIntact()
    {
        var big = new string('x', 100_000);
        var lines = await ReadAll(new MemoryStream(Encoding.UTF8.GetBytes(big + "\n{\"final\":{}}\n")), 1000);
        Assert.Equal(2, lines.Count);
        Assert.True(lines[0].Truncated);
        Assert.Equal(1000, lines[0].Text.Length);
        Assert.Equal("{\"final\":{}}", lines[1].Text);
        Assert.False(lines[1].Truncated);
    }

    [Fact]
    public async Task ReadLineAsync_OneByteReads_GivesTheSameLines()
    {
        var text = "first line\nsecond\r\nthird ü\n";
        var lines = await ReadAll(new TrickleStream(Encoding.UTF8.GetBytes(text)), 100);
        Assert.Equal(["first line", "second", "third ü"], lines.Select(l => l.Text));
    }

    [Fact]
    public async Task ReadLineAsync_InvalidUtf8_BecomesReplacementCharacter()
    {
        var lines = await ReadAll(new MemoryStream([(byte)'a', 0xFF, (byte)'b', (byte)'\n']), 100);
        Assert.Equal("a\uFFFDb", lines.Single().Text);
    }

    /// <summary>Returns one byte per read, like a pipe written to slowly.</summary>
    private sealed class TrickleStream(byte[] data) : MemoryStream(data)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(1, buffer.Length)], cancellationToken);
    }
}
