using WorkCentre.Benchmarks;

// Benchmarks print figures and compare against a raw baseline in the same run; they never fail on speed.
var benchmarks = new Dictionary<string, Func<string[], Task>>
{
    ["eventstore"] = EventStoreBenchmark.RunAsync,
    ["messaging"] = MessagingBenchmark.RunAsync,
    ["intake"] = IntakeBenchmark.RunAsync,
};

if (args.Length == 0 || !benchmarks.TryGetValue(args[0], out var run))
{
    Console.Error.WriteLine($"usage: WorkCentre.Benchmarks {string.Join('|', benchmarks.Keys)} [options]");
    return 2;
}
await run(args[1..]);
return 0;
