using MassTransit;

namespace WorkCentre.Contracts.Intake;

/// <summary>A group information session was held: a headcount for a programme's "informed" stage, no names.</summary>
[MessageUrn("workcentre:intake:information-session-held:v1")]
public sealed record InformationSessionHeld(Guid SessionId, string Programme, string Municipality, DateOnly HeldOn, int Headcount, DateTimeOffset OccurredAt) : IIntegrationEvent;

/// <summary>A recount: the session's headcount is now this.</summary>
[MessageUrn("workcentre:intake:information-session-headcount-corrected:v1")]
public sealed record InformationSessionHeadcountCorrected(Guid SessionId, int Headcount, DateTimeOffset OccurredAt) : IIntegrationEvent;
