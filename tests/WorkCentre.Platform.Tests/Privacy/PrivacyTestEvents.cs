using WorkCentre.Privacy;

namespace WorkCentre.Platform.Tests.Privacy;

public sealed record ParticipantRegistered(
    [DataSubjectId] Guid ParticipantId,
    [PersonalData] string Name,
    [PersonalData] string? Bsn,
    [PersonalData] DateOnly? DateOfBirth,
    string Municipality);

public sealed record ContactDetails([property: PersonalData] string Phone, string Channel);

/// <summary>Nested objects without a subject of their own inherit the enclosing one.</summary>
public sealed record ContactDetailsChanged([property: DataSubjectId] string ParticipantRef, ContactDetails Contact);

public sealed record HouseholdMember([DataSubjectId] Guid MemberId, [PersonalData] string Name, ContactDetails? Contact);

/// <summary>Nested subjects: each member's data is under the member's key, the name under the participant's.</summary>
public sealed record HouseholdRegistered([DataSubjectId] Guid ParticipantId, IReadOnlyList<HouseholdMember> Members, [PersonalData] string Name);

public sealed record NoteTaken(Guid NoteId, [PersonalData] string Text);

public sealed record BirthDateRecorded([DataSubjectId] Guid ParticipantId, [PersonalData] DateOnly DateOfBirth);
