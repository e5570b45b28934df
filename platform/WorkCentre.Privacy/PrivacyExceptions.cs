using WorkCentre.EventStore;

namespace WorkCentre.Privacy;

/// <summary>Personal data was written for a subject whose key has been shredded; a new key is never made silently.</summary>
public sealed class SubjectErasedException(string subjectId)
    : Exception($"Data subject {subjectId} has been erased; personal data can no longer be written for it."), IPayloadFreeMessage
{
    public string SubjectId { get; } = subjectId;
}

/// <summary>
/// An encrypted value failed authentication or sits under another subject than the one it was written for:
/// the stored event was altered. Unlike erasure this is never masked, so tampering cannot pass as a shred.
/// </summary>
public sealed class PersonalDataIntegrityException(string property, string subjectId)
    : Exception($"Personal data in {property} (subject {subjectId}) failed its integrity check; the stored event was altered or the value moved from another subject."), IPayloadFreeMessage
{
    public string Property { get; } = property;
    public string SubjectId { get; } = subjectId;
}
