namespace WorkCentre.Testing;

/// <summary>Awaits a condition with a timeout instead of sleeping a fixed time.</summary>
public static class Eventually
{
    public static async Task TrueAsync(Func<Task<bool>> condition, TimeSpan timeout, string because)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (!await condition())
        {
            if (cts.IsCancellationRequested)
            {
                Assert.Fail($"Timed out after {timeout}: {because}");
            }
            await Task.Delay(10);
        }
    }
}
