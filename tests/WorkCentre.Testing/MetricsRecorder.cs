using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace WorkCentre.Testing;

/// <summary>
/// Reads instruments the way an exporter does: an OpenTelemetry meter provider with the in-memory exporter,
/// collected on demand. Filter by tags, since tests run many stores and services in one process.
/// </summary>
public sealed class MetricsRecorder : IDisposable
{
    private readonly List<MetricSnapshot> _exported = [];
    private readonly MeterProvider _provider;

    public MetricsRecorder(params string[] meters) =>
        _provider = Sdk.CreateMeterProviderBuilder().AddMeter(meters).AddInMemoryExporter(_exported).Build()!;

    /// <summary>Collects now; the points of <paramref name="instrument"/> that carry every given tag.</summary>
    public IReadOnlyList<MetricPoint> Collect(string instrument, params (string Key, object? Value)[] tags)
    {
        lock (_exported)
        {
            _exported.Clear();
            _provider.ForceFlush();
            return _exported.Where(m => m.Name == instrument)
                .SelectMany(m => m.MetricPoints)
                .Where(p => tags.All(t => HasTag(p, t)))
                .ToList();
        }
    }

    /// <summary>The one gauge value with these tags, or null when the instrument reported none.</summary>
    public double? Gauge(string instrument, params (string Key, object? Value)[] tags)
    {
        var points = Collect(instrument, tags);
        return points.Count switch
        {
            0 => null,
            1 => Value(points[0]),
            _ => throw new InvalidOperationException($"{points.Count} points of {instrument} match; add a tag that tells them apart."),
        };
    }

    public void Dispose() => _provider.Dispose();

    private static double Value(MetricPoint point)
    {
        // The point's type follows the instrument: long and double gauges keep their own fields.
        try
        {
            return point.GetGaugeLastValueLong();
        }
        catch (NotSupportedException)
        {
            return point.GetGaugeLastValueDouble();
        }
    }

    private static bool HasTag(MetricPoint point, (string Key, object? Value) wanted)
    {
        foreach (var tag in point.Tags)
        {
            if (tag.Key == wanted.Key && Equals(tag.Value, wanted.Value))
            {
                return true;
            }
        }
        return false;
    }
}
