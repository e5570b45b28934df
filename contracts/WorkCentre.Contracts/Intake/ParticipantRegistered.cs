using MassTransit;

namespace WorkCentre.Contracts.Intake;

/// <summary>
/// A person was registered at intake. Only the pseudonymous id and non-identifying attributes travel: the age band at
/// the event date (<c>under-18</c>, <c>18-24</c>, <c>25-34</c>, <c>35-44</c>, <c>45-54</c>, <c>55-64</c>, <c>65-plus</c>;
/// null when unknown) and the municipality when known.
/// </summary>
[MessageUrn("workcentre:intake:participant-registered:v1")]
public sealed record ParticipantRegistered(Guid ParticipantId, DateTimeOffset OccurredAt, string? AgeBand, string? Municipality) : IIntegrationEvent;
