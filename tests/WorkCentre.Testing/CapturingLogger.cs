using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace WorkCentre.Testing;

/// <summary>Keeps log lines so a test can await what the code under test says it did.</summary>
public sealed class CapturingLogger<T> : ILogger<T>
{
    private readonly ConcurrentQueue<(LogLevel Level, string Message)> _lines = new();

    public IReadOnlyList<(LogLevel Level, string Message)> Lines => [.. _lines];

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        _lines.Enqueue((logLevel, formatter(state, exception)));

    public Task WaitForAsync(Func<string, bool> match, TimeSpan timeout, string because) =>
        Eventually.TrueAsync(() => Task.FromResult(_lines.Any(l => match(l.Message))), timeout, because);
}
