using WorkCentre.EventStore;
using WorkCentre.Messaging;
using WorkCentre.Privacy;

namespace WorkCentre.Intake.Participants;

/// <summary>How the advisor established who the person is: every fact has its source.</summary>
public enum IdentitySource { IdentityDocument, SelfDeclared, PartnerReferral }

/// <summary>Why a participant's personal data was erased; a code, never the request's wording.</summary>
public enum ErasureReason { SubjectRequest, RegisteredInError, RetentionExpired }

/// <summary>
/// A person got a pseudonymous id at intake. Every personal field is encrypted under the participant's key and reads
/// as erased once that key is shredded; the id, the time and the municipality stay readable.
/// </summary>
public sealed record ParticipantRegistered(
    [property: DataSubjectId] Guid ParticipantId,
    DateTimeOffset OccurredAt,
    [property: PersonalData] string GivenName,
    [property: PersonalData] string? Prefix,
    [property: PersonalData] string FamilyName,
    [property: PersonalData] DateOnly? DateOfBirth,
    [property: PersonalData] string? Email,
    [property: PersonalData] string? Phone,
    [property: PersonalData] string Postcode,
    [property: PersonalData] string? Bsn,
    string? Municipality,
    IdentitySource IdentitySource,
    string RegisteredBy) : IOccurredAt;

/// <summary>On the merged participant's stream: reads of it go to the surviving participant from now on.</summary>
public sealed record ParticipantMerged(
    [property: DataSubjectId] Guid ParticipantId, Guid IntoParticipantId, DateTimeOffset OccurredAt, string MergedBy) : IOccurredAt;

/// <summary>
/// On the surviving participant's stream: the merged participant and whatever had been merged into it before, so
/// an erasure of the survivor reaches every record of the person.
/// </summary>
public sealed record ParticipantMergedIn(
    [property: DataSubjectId] Guid ParticipantId, IReadOnlyList<Guid> MergedParticipantIds, DateTimeOffset OccurredAt, string MergedBy) : IOccurredAt;

/// <summary>The participant's key is shredded in the same transaction: its personal fields read as erased from now on.</summary>
public sealed record ParticipantErased(
    [property: DataSubjectId] Guid ParticipantId, ErasureReason Reason, DateTimeOffset OccurredAt, string ErasedBy) : IOccurredAt;

/// <summary>What an advisor knows of the person: held in memory only, decrypted from the stream.</summary>
public sealed record PersonalDetails(
    string GivenName, string? Prefix, string FamilyName, DateOnly? DateOfBirth, string? Email, string? Phone, string Postcode, string? Bsn);

public abstract record ParticipantCommand(Guid ParticipantId, string Actor, DateTimeOffset Now)
{
    public sealed record Register(
        Guid ParticipantId, PersonalDetails Details, string? Municipality, IdentitySource IdentitySource, string Actor, DateTimeOffset Now)
        : ParticipantCommand(ParticipantId, Actor, Now);

    /// <summary>Decided with <see cref="Participant.DecideMerge"/>: it needs the surviving participant's state too.</summary>
    public sealed record MergeInto(Guid ParticipantId, Guid IntoParticipantId, string Actor, DateTimeOffset Now)
        : ParticipantCommand(ParticipantId, Actor, Now);

    public sealed record Erase(Guid ParticipantId, ErasureReason Reason, string Actor, DateTimeOffset Now)
        : ParticipantCommand(ParticipantId, Actor, Now);
}

/// <summary>The events a merge appends to each of the two streams, in one session.</summary>
public sealed record MergeDecision(IReadOnlyList<object> Merged, IReadOnlyList<object> Survivor);

/// <summary>The participant decider: pure functions over a closed set of states.</summary>
public abstract record Participant
{
    public const string StreamType = "intake.participant";

    private Participant()
    {
    }

    public sealed record NotRegistered : Participant;

    public sealed record Registered(
        Guid ParticipantId, DateTimeOffset RegisteredAt, PersonalDetails Details, string? Municipality, IReadOnlyList<Guid> MergedFrom) : Participant;

    /// <summary>A duplicate record linked to the surviving one; its history stays, its reads are redirected.</summary>
    public sealed record MergedInto(
        Guid ParticipantId, DateTimeOffset RegisteredAt, PersonalDetails Details, string? Municipality, IReadOnlyList<Guid> MergedFrom,
        Guid IntoParticipantId, DateTimeOffset MergedAt) : Participant;

    /// <summary>No personal data is left: the key is shredded; links are kept so reads still redirect and counts still add up.</summary>
    public sealed record Erased(
        Guid ParticipantId, DateTimeOffset RegisteredAt, string? Municipality, IReadOnlyList<Guid> MergedFrom, Guid? IntoParticipantId,
        DateTimeOffset ErasedAt, ErasureReason Reason) : Participant;

    public static readonly Participant Initial = new NotRegistered();

    public static Participant Evolve(Participant state, object @event) => (state, @event) switch
    {
        (NotRegistered, ParticipantRegistered e) => new Registered(e.ParticipantId, e.OccurredAt,
            new PersonalDetails(e.GivenName, e.Prefix, e.FamilyName, e.DateOfBirth, e.Email, e.Phone, e.Postcode, e.Bsn), e.Municipality, []),
        (Registered p, ParticipantMergedIn e) => p with { MergedFrom = [.. p.MergedFrom, .. e.MergedParticipantIds.Except(p.MergedFrom)] },
        (Registered p, ParticipantMerged e) => new MergedInto(p.ParticipantId, p.RegisteredAt, p.Details, p.Municipality, p.MergedFrom,
            e.IntoParticipantId, e.OccurredAt),
        (Registered p, ParticipantErased e) => new Erased(p.ParticipantId, p.RegisteredAt, p.Municipality, p.MergedFrom, null, e.OccurredAt, e.Reason),
        (MergedInto p, ParticipantErased e) => new Erased(p.ParticipantId, p.RegisteredAt, p.Municipality, p.MergedFrom, p.IntoParticipantId,
            e.OccurredAt, e.Reason),
        _ => state,
    };

    public static IReadOnlyList<object> Decide(ParticipantCommand command, Participant state) => (command, state) switch
    {
        (ParticipantCommand.Register c, NotRegistered) => Register(c),
        (ParticipantCommand.Register c, _) => throw Violation("participant.already-registered", $"Participant {c.ParticipantId} is already registered."),
        (_, NotRegistered) => throw Unknown(command.ParticipantId),
        // Erasing twice is the same erasure: a repeated request must not fail after the key is gone.
        (ParticipantCommand.Erase, Erased) => [],
        (ParticipantCommand.Erase c, Registered or MergedInto) => [new ParticipantErased(c.ParticipantId, c.Reason, c.Now, c.Actor)],
        (ParticipantCommand.MergeInto, _) => throw new ArgumentException("A merge needs the surviving participant; decide it with DecideMerge.", nameof(command)),
        _ => throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name, "not a participant command"),
    };

    /// <summary>
    /// Links a duplicate to the surviving participant. Nothing is rewritten: the merged stream gets a pointer, the
    /// survivor a list of what it absorbed (including earlier merges into the merged one, so chains stay reachable).
    /// </summary>
    public static MergeDecision DecideMerge(ParticipantCommand.MergeInto command, Participant merged, Participant survivor)
    {
        if (command.ParticipantId == command.IntoParticipantId)
        {
            throw Violation("participant.merge-self", "A participant cannot be merged into itself.");
        }
        var source = merged switch
        {
            Registered p => p,
            NotRegistered => throw Unknown(command.ParticipantId),
            MergedInto p => throw Violation("participant.already-merged", $"Participant {p.ParticipantId} is already merged into {p.IntoParticipantId}."),
            Erased => throw Violation("participant.erased", $"Participant {command.ParticipantId} is erased; there is nothing left to merge."),
            _ => throw new ArgumentOutOfRangeException(nameof(merged)),
        };
        if (survivor is not Registered)
        {
            throw survivor switch
            {
                MergedInto p => Violation("participant.merge-target-merged",
                    $"Participant {p.ParticipantId} is itself merged into {p.IntoParticipantId}; merge into that one."),
                Erased => Violation("participant.merge-target-erased", $"Participant {command.IntoParticipantId} is erased."),
                _ => Violation("participant.merge-target-unknown", $"Participant {command.IntoParticipantId} does not exist."),
            };
        }
        return new MergeDecision(
            [new ParticipantMerged(source.ParticipantId, command.IntoParticipantId, command.Now, command.Actor)],
            [new ParticipantMergedIn(command.IntoParticipantId, [source.ParticipantId, .. source.MergedFrom], command.Now, command.Actor)]);
    }

    private static IReadOnlyList<object> Register(ParticipantCommand.Register c)
    {
        var d = c.Details;
        return [new ParticipantRegistered(c.ParticipantId, c.Now, d.GivenName, d.Prefix, d.FamilyName, d.DateOfBirth, d.Email, d.Phone, d.Postcode, d.Bsn,
            c.Municipality, c.IdentitySource, c.Actor)];
    }

    private static DomainRuleViolationException Unknown(Guid id) => Violation("participant.unknown", $"Participant {id} is not registered.");

    private static DomainRuleViolationException Violation(string rule, string message) => new(rule, message);
}

/// <summary>Five- and ten-year bands: enough for reports per target group, too coarse to single a person out.</summary>
public static class AgeBands
{
    public static string? Of(DateOnly? dateOfBirth, DateTimeOffset at)
    {
        if (dateOfBirth is not { } born)
        {
            return null;
        }
        var on = DateOnly.FromDateTime(at.UtcDateTime);
        var age = on.Year - born.Year - (on < born.AddYears(on.Year - born.Year) ? 1 : 0);
        return age switch
        {
            < 18 => "under-18",
            < 25 => "18-24",
            < 35 => "25-34",
            < 45 => "35-44",
            < 55 => "45-54",
            < 65 => "55-64",
            _ => "65-plus",
        };
    }
}

public static class ParticipantEvents
{
    public static EventTypeRegistry MapParticipantEvents(this EventTypeRegistry events) => events
        .Map<ParticipantRegistered>("intake.participant_registered.v1")
        .Map<ParticipantMerged>("intake.participant_merged.v1")
        .Map<ParticipantMergedIn>("intake.participant_merged_in.v1")
        .Map<ParticipantErased>("intake.participant_erased.v1");
}
