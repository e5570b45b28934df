namespace WorkCentre.EventStore;

/// <summary>
/// An auto-reset wake-up: <see cref="Set"/> releases the current waiter (or the next one, if none waits yet).
/// Lets in-process appends wake the daemon at once instead of waiting for its next poll.
/// </summary>
public sealed class Signal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Set() => Volatile.Read(ref _next).TrySetResult();

    /// <summary>Waits until set or until the timeout passes; returns true when set.</summary>
    public async Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct)
    {
        var current = Volatile.Read(ref _next);
        bool signalled;
        try
        {
            await current.Task.WaitAsync(timeout, ct);
            signalled = true;
        }
        catch (TimeoutException)
        {
            signalled = false;
        }
        if (current.Task.IsCompleted)
        {
            Interlocked.CompareExchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), current);
        }
        return signalled;
    }
}
