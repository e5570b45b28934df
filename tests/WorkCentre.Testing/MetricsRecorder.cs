using System.Diagnostics.Metrics;

namespace WorkCentre.Testing;

/// <summary>
/// Listens to the named meters with a <see cref="MeterListener"/>: gauges are read on demand, counters and
/// histograms are kept as they are recorded. Not through the OpenTelemetry SDK: it merges same-named instruments
/// of every service in the process into one stream and drops that stream when any of them is disposed, so one
/// test's service stopping would blank another's gauge. Filter by tags, since tests run many stores in one process.
/// </summary>
public sealed class MetricsRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly List<Measured> _observed = [];
    private readonly List<Measured> _recorded = [];
    private bool _observing;

    public MetricsRecorder(params string[] meters)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (meters.Contains(instrument.Meter.Name))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<int>((i, v, t, _) => Add(i, v, t));
        _listener.SetMeasurementEventCallback<long>((i, v, t, _) => Add(i, v, t));
        _listener.SetMeasurementEventCallback<double>((i, v, t, _) => Add(i, v, t));
        _listener.Start();
    }

    /// <summary>The one value a gauge reports now with these tags, or null when it reported none.</summary>
    public double? Gauge(string instrument, params (string Key, object? Value)[] tags)
    {
        List<Measured> points;
        lock (_observed)
        {
            _observed.Clear();
            _observing = true;
            _listener.RecordObservableInstruments();
            _observing = false;
            points = _observed.Where(m => m.Instrument == instrument && m.Has(tags)).ToList();
        }
        return points.Count switch
        {
            0 => null,
            1 => points[0].Value,
            _ => throw new InvalidOperationException($"{points.Count} points of {instrument} match; add a tag that tells them apart."),
        };
    }

    /// <summary>Every value a counter or histogram recorded with these tags since the recorder started.</summary>
    public IReadOnlyList<double> Recorded(string instrument, params (string Key, object? Value)[] tags)
    {
        lock (_recorded)
        {
            return _recorded.Where(m => m.Instrument == instrument && m.Has(tags)).Select(m => m.Value).ToList();
        }
    }

    public void Dispose() => _listener.Dispose();

    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var measured = new Measured(instrument.Name, value, tags.ToArray());
        if (instrument.IsObservable)
        {
            // Observable callbacks run inside RecordObservableInstruments, on the caller's thread, under its lock.
            if (_observing)
            {
                _observed.Add(measured);
            }
            return;
        }
        lock (_recorded)
        {
            _recorded.Add(measured);
        }
    }

    private sealed record Measured(string Instrument, double Value, KeyValuePair<string, object?>[] Tags)
    {
        public bool Has((string Key, object? Value)[] wanted) =>
            wanted.All(w => Tags.Any(t => t.Key == w.Key && Equals(t.Value, w.Value)));
    }
}
