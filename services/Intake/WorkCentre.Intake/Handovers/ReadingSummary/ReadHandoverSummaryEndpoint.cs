using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using WorkCentre.Contracts.Intake;
using WorkCentre.Intake.Consents;
using WorkCentre.Intake.Organisations;
using WorkCentre.Privacy;
using WorkCentre.ServiceDefaults;

namespace WorkCentre.Intake.Handovers.ReadingSummary;

/// <summary>The dossier summary as the receiving partner sees it: the consented categories only; null once the participant was erased.</summary>
public sealed record HandoverSummaryView(
    Guid HandoverId, Guid ParticipantId, HandoverReasonCode ReasonCode, string? Note, IReadOnlyDictionary<DataCategory, string>? Summary);

public static class ReadHandoverSummaryEndpoint
{
    public static RouteHandlerBuilder MapReadHandoverSummary(this RouteGroupBuilder group) =>
        group.MapGet("/{handoverId:guid}/summary", HandleAsync)
            .RequireAuthorization(policy => policy.RequireRole(Roles.Advisor, Roles.Partner, Roles.Admin))
            .WithReadPurpose()
            .WithName("ReadHandoverSummary")
            .WithSummary("Reads the handover's note and dossier summary for a stated purpose; the read is recorded.")
            .WithDescription("The sender reads what it sent. The receiving partner reads it once it accepted the handover, and only while the " +
                "participant's consent for it is in force: a withdrawn or expired consent stops sharing at once.")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .WithResponseDescription(StatusCodes.Status403Forbidden, "Not accepted yet, or the consent is no longer in force; `rule` says which.")
            .WithResponseDescription(StatusCodes.Status404NotFound, "No handover with this id that your organisation sent or received.");

    private static async Task<Results<Ok<HandoverSummaryView>, ValidationProblem, NotFound, ProblemHttpResult>> HandleAsync(
        Guid handoverId, [Microsoft.AspNetCore.Mvc.FromQuery(Name = ReadPurpose.Parameter)] string purpose, ClaimsPrincipal user, EventStore.EventStore store,
        OrganisationDirectory directory, ConsentRegister consents, PersonalDataReads reads, TimeProvider time, CancellationToken ct)
    {
        var validation = new Validation().Purpose(purpose);
        if (!validation.IsValid)
        {
            return validation.Problem();
        }
        var staff = await StaffMember.ResolveAsync(user, directory, ct);
        var events = await store.ReadStreamAsync(handoverId, ct: ct);
        var state = events.Aggregate(Handover.Initial, (s, e) => Handover.Evolve(s, e.Data));
        if (state is not Handover.Known handover)
        {
            return TypedResults.NotFound();
        }
        var sender = staff.SendsFor(handover.FromOrganisationId);
        if (!sender && !staff.Receives(handover.ToOrganisationId))
        {
            return TypedResults.NotFound();
        }
        if (!sender)
        {
            if (handover.Status is not (HandoverStatus.Accepted or HandoverStatus.FirstContactConfirmed or HandoverStatus.Closed))
            {
                return Forbidden("handover.not-accepted", "A partner reads the dossier summary of a handover it has accepted.");
            }
            // Withdrawal stops sharing at once: the consent is checked at every read, not only at the request.
            var consent = handover.ConsentId is { } consentId
                ? (await consents.OfParticipantAsync(handover.ParticipantId, ct)).FirstOrDefault(c => c.ConsentId == consentId)
                : null;
            if (handover.ConsentId is not null && (consent is not { Status: ConsentStatus.Given } || consent.ExpiresAt <= time.GetUtcNow()))
            {
                return Forbidden("handover.consent-not-in-force", "The participant's consent for this handover was withdrawn or has expired.");
            }
        }
        var requested = (HandoverRequested)events[0].Data;
        // Recorded before anything is returned: a read the audit could not take fails instead of going unrecorded.
        await reads.RecordAsync(handover.ParticipantId, staff.Actor, user.OrganisationOf(), purpose.Trim(), ct);
        // An erased participant's fields read as erased; the API shows them as absent, as participant reads do.
        return TypedResults.Ok(new HandoverSummaryView(handover.HandoverId, handover.ParticipantId, handover.ReasonCode,
            PersonalData.IsErased(requested.Reason.Note) ? null : requested.Reason.Note, requested.Summary.Lines));
    }

    private static ProblemHttpResult Forbidden(string rule, string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", type: ProblemTypes.Forbidden,
            extensions: new Dictionary<string, object?> { ["rule"] = rule });
}
