using System.Security.Cryptography;
using WorkCentre.EventStore;

namespace WorkCentre.Privacy;

internal enum ScopeMode
{
    /// <summary>A dry-run serialization that only learns which subjects need keys.</summary>
    Collect,
    Write,
    Read,
}

/// <summary>
/// The keys and subject context that the synchronous converters use between Begin*Async and the caller's Dispose.
/// It lives in an AsyncLocal set from a non-async method, so the change lands in the caller's execution context
/// and flows into the code it runs after the await. Scopes nest; disposal restores the enclosing one.
/// </summary>
internal sealed class ProtectionScope : IPayloadReadScope
{
    private static readonly AsyncLocal<ProtectionScope?> Ambient = new();

    private readonly ProtectionScope? _parent;
    private readonly List<string?> _subjects = [];
    private readonly List<(string SubjectId, string Property)> _pending = [];
    private readonly List<int> _frames = [];
    private bool _disposed;

    private ProtectionScope(ScopeMode mode, ProtectionScope? parent)
    {
        Mode = mode;
        _parent = parent;
    }

    public static ProtectionScope? Current
    {
        get
        {
            var scope = Ambient.Value;
            while (scope is { _disposed: true })
            {
                scope = scope._parent;
            }
            return scope;
        }
    }

    public ScopeMode Mode { get; set; }

    /// <summary>Data keys by subject id; null for a subject whose key is shredded or was never made.</summary>
    public Dictionary<string, byte[]?> Keys { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Subjects that personal values were found for in <see cref="ScopeMode.Collect"/>.</summary>
    public HashSet<string> Collected { get; } = new(StringComparer.Ordinal);

    /// <summary>Must be called from a non-async method (see the class comment).</summary>
    public static ProtectionScope Enter(ScopeMode mode)
    {
        var scope = new ProtectionScope(mode, Current);
        Ambient.Value = scope;
        return scope;
    }

    // Writing: objects are in hand before their properties, so a plain stack of subjects suffices.
    public void PushSubject(string? subjectId)
    {
        if (Mode != ScopeMode.Read)
        {
            _subjects.Add(subjectId);
        }
    }

    public void PopSubject()
    {
        if (Mode != ScopeMode.Read && _subjects.Count > 0)
        {
            _subjects.RemoveAt(_subjects.Count - 1);
        }
    }

    /// <summary>The subject of the nearest enclosing object with a [DataSubjectId]; null when none is in scope.</summary>
    public string? CurrentSubject => _subjects.Count > 0 ? _subjects[^1] : null;

    // Reading: records are built only after all their members are read, and jsonb reorders members, so a value
    // cannot be checked against its subject as it is read. Values are noted as pending instead and checked when
    // the object naming their subject is complete. Objects nested in properties get a frame of their own
    // (a start index into the pending list), so siblings never mix; what a frame leaves belongs to its parent.
    public void NotePending(string subjectId, string property)
    {
        if (Mode == ScopeMode.Read)
        {
            _pending.Add((subjectId, property));
        }
    }

    /// <summary>
    /// A read scope serves a whole daemon page. A row that failed halfway (a JSON error, an integrity error) left its
    /// pending values behind, and they failed every later row of the page with the first row's subject.
    /// </summary>
    public void BeginPayload()
    {
        _pending.Clear();
        _frames.Clear();
        _subjects.Clear();
    }

    public int OpenFrame()
    {
        _frames.Add(_pending.Count);
        return _frames.Count;
    }

    /// <summary>Closes the frame; an isolated one drops what it holds instead of leaving it to its parent.</summary>
    public void CloseFrame(int frame, bool isolated = false)
    {
        if (_frames.Count == frame)
        {
            if (isolated)
            {
                _pending.RemoveRange(_frames[^1], _pending.Count - _frames[^1]);
            }
            _frames.RemoveAt(frame - 1);
        }
    }

    /// <summary>
    /// Called when an object is complete. An object with a subject settles every pending value of its frame;
    /// one without leaves them to the enclosing object, unless it is the payload's root and nobody is left.
    /// </summary>
    public void Complete(bool hasSubject, string? subjectId)
    {
        if (Mode != ScopeMode.Read || (!hasSubject && _frames.Count > 0))
        {
            return;
        }
        var start = _frames.Count > 0 ? _frames[^1] : 0;
        for (var i = start; i < _pending.Count; i++)
        {
            if (_pending[i].SubjectId != subjectId)
            {
                throw new PersonalDataIntegrityException(_pending[i].Property, _pending[i].SubjectId);
            }
        }
        _pending.RemoveRange(start, _pending.Count - start);
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        foreach (var key in Keys.Values)
        {
            if (key is not null)
            {
                CryptographicOperations.ZeroMemory(key);
            }
        }
        if (ReferenceEquals(Ambient.Value, this))
        {
            Ambient.Value = _parent;
        }
    }
}
