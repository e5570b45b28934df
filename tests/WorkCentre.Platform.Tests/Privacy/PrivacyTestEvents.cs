using System.Text.Json;
using System.Text.Json.Serialization;
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

/// <summary>A phone number whose converter is stricter on reading than on writing, like one a later release tightened.</summary>
public sealed record PhoneRecorded([DataSubjectId] Guid ParticipantId, [property: PersonalData, JsonConverter(typeof(MobileNumberConverter))] string Phone);

/// <summary>Rejects what is not a Dutch mobile number and, as converters often do, quotes the value it rejects.</summary>
public sealed class MobileNumberConverter : JsonConverter<string>
{
    public override string Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var value = reader.GetString()!;
        return value.StartsWith("06-", StringComparison.Ordinal) && value.Length == 11
            ? value
            : throw new FormatException($"'{value}' is not a Dutch mobile number.");
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}
