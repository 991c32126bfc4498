using System.Net;
using System.Net.Sockets;

namespace HoMM.Tests.Shared;

/// <summary>
/// A receiver that accepts connections on 127.0.0.1 and never answers: every request to it waits
/// its whole timeout (a hung webhook).
/// </summary>
internal sealed class SilentListener : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly List<TcpClient> _accepted = [];
    private readonly Task _accepting;
    private bool _disposed;

    public SilentListener()
    {
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = Task.Run(async () =>
        {
            try
            {
                while (true)
                    _accepted.Add(await _listener.AcceptTcpClientAsync());
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // Stopped.
            }
        });
    }

    public int Port { get; }

    /// <summary>How many connections it accepted; read it after <see cref="DisposeAsync"/>.</summary>
    public int Accepted => _disposed ? _accepted.Count : throw new InvalidOperationException("dispose the listener before counting what it accepted");

    /// <summary>Stops listening and closes every connection it accepted.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
            return;
        _listener.Stop();
        await _accepting;
        foreach (var c in _accepted)
            c.Dispose();
        _disposed = true;
    }
}
