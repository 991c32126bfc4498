namespace HoMM.Dispatch.Scheduling;

/// <summary>
/// An exclusive advisory lock on a file, held for a process's lifetime: .NET takes flock(LOCK_EX)
/// for <see cref="FileShare.None"/>, and the kernel drops it when the process dies, kill -9
/// included, so a crashed dispatcher never leaves a stale lock behind.
/// </summary>
internal sealed class ExclusiveFileLock : IDisposable
{
    private readonly FileStream _file;

    private ExclusiveFileLock(FileStream file) => _file = file;

    /// <exception cref="DispatchLockedException">Another process holds the lock.</exception>
    public static ExclusiveFileLock Acquire(string path, string heldMessage)
    {
        try
        {
            return new ExclusiveFileLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException e) when (File.Exists(path))
        {
            throw new DispatchLockedException($"{heldMessage} (lock file {path}); wait for it to end or stop it first", e);
        }
    }

    public void Dispose() => _file.Dispose();
}

/// <summary>Another process already dispatches this study from this database.</summary>
public sealed class DispatchLockedException(string message, Exception? innerException = null)
    : InvalidOperationException(message, innerException);
