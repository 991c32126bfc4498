using System.Text;

namespace HoMM.Dispatch.Protocol;

/// <summary>A line read from a stream; <see cref="Truncated"/> when it was longer than the limit and cut.</summary>
public readonly record struct ReadLine(string Text, bool Truncated);

/// <summary>
/// Reads '\n'-terminated UTF-8 lines from a pipe, keeping at most <c>maxLineBytes</c> of each.
/// StreamReader.ReadLine has no bound: a trainer printing a progress bar with '\r' for hours, or
/// a tensor dump without a newline, would grow one string until the dispatcher runs out of memory.
/// Here the rest of an over-long line is read and dropped. A trailing '\r' is removed; invalid
/// UTF-8 becomes U+FFFD. Not thread-safe: one reader per stream.
/// </summary>
public sealed class BoundedLineReader
{
    private readonly Stream _stream;
    private readonly int _maxLineBytes;
    private readonly byte[] _buffer = new byte[16 * 1024];
    private int _start;
    private int _end;
    private bool _eof;
    private byte[] _line = new byte[256];
    private int _lineLength;

    public BoundedLineReader(Stream stream, int maxLineBytes = TrainerProtocol.DefaultMaxLineBytes)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLineBytes, 1);
        _stream = stream;
        _maxLineBytes = maxLineBytes;
    }

    /// <summary>The next line, or null at the end of the stream (a last line without '\n' is returned first).</summary>
    public async ValueTask<ReadLine?> ReadLineAsync(CancellationToken cancellationToken = default)
    {
        var truncated = false;
        _lineLength = 0;
        while (true)
        {
            if (_start == _end)
            {
                if (_eof)
                    return _lineLength > 0 || truncated ? Finish(truncated) : null;
                _start = 0;
                _end = await _stream.ReadAsync(_buffer, cancellationToken).ConfigureAwait(false);
                if (_end == 0)
                {
                    _eof = true;
                    continue;
                }
            }

            var available = _buffer.AsSpan(_start, _end - _start);
            var newline = available.IndexOf((byte)'\n');
            var chunk = newline >= 0 ? available[..newline] : available;
            truncated |= Append(chunk);
            _start += newline >= 0 ? newline + 1 : chunk.Length;
            if (newline >= 0)
                return Finish(truncated);
        }
    }

    private bool Append(ReadOnlySpan<byte> chunk)
    {
        var room = _maxLineBytes - _lineLength;
        var take = Math.Min(room, chunk.Length);
        if (take > 0)
        {
            if (_lineLength + take > _line.Length)
                Array.Resize(ref _line, Math.Min(_maxLineBytes, Math.Max(_line.Length * 2, _lineLength + take)));
            chunk[..take].CopyTo(_line.AsSpan(_lineLength));
            _lineLength += take;
        }
        return take < chunk.Length;
    }

    private ReadLine Finish(bool truncated)
    {
        var length = _lineLength;
        if (!truncated && length > 0 && _line[length - 1] == (byte)'\r')
            length--;
        return new ReadLine(Encoding.UTF8.GetString(_line, 0, length), truncated);
    }
}
