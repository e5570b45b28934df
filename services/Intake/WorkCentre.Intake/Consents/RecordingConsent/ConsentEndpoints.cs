using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using WorkCentre.Contracts.Intake;
using WorkCentre.EventStore;
using WorkCentre.Intake.Organisations;
using WorkCentre.Intake.Participants;
using WorkCentre.Messaging;
using WorkCentre.ServiceDefaults;

namespace WorkCentre.Intake.Consents.RecordingConsent;

// Every field is optional for the JSON binder so that validation can name all missing fields at once.
public sealed record GiveConsentRequest(
    Guid? ParticipantId = null, ConsentPurpose? Purpose = null, Guid? RecipientOrganisationId = null, string? RecipientCategory = null,
    LegalBasis? LegalBasis = null, IReadOnlyList<DataCategory>? DataCategories = null, CollectionMethod? CollectionMethod = null,
    string? Witness = null, DateTimeOffset? ExpiresAt = null);

public sealed record RenewConsentRequest(DateTimeOffset? ExpiresAt = null);

/// <summary>Recording consent as the advisor hears it: give, withdraw, renew, correct. A given consent never changes; a new one replaces it.</summary>
public static class ConsentEndpoints
{
    public static RouteGroupBuilder MapConsents(this RouteGroupBuilder group)
    {
        group.MapPost("/", GiveAsync)
            .RequireAuthorization(policy => policy.RequireRole(Roles.Advisor, Roles.Admin))
            .WithIdempotency()
            .WithName("GiveConsent")
            .WithExamples(OpenApiExamples.GiveConsent, OpenApiExamples.ConsentGiven, StatusCodes.Status201Created)
            .WithSummary("Records a participant's consent for one purpose and recipient, with legal basis, data categories, collection method and expiry.")
            .WithDescription("Verbal consent names the staff member who witnessed it. The consent expires by itself at `expiresAt` (at most five years on).")
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithResponseDescription(StatusCodes.Status422UnprocessableEntity, "A consent rule refuses it (`rule` names it): unknown participant or recipient, no categories, term, witness.")
            .WithResponseHeader(StatusCodes.Status201Created, "Location", "The consent's URL, `/consents/{consentId}`.");
        group.MapGet("/", async (Guid participantId, ConsentRegister register, CancellationToken ct) => TypedResults.Ok(await register.OfParticipantAsync(participantId, ct)))
            .RequireAuthorization(policy => policy.RequireRole(Roles.Advisor, Roles.Admin))
            .WithName("ListConsents")
            .WithSummary("Lists a participant's consents, newest first, with their status: given, withdrawn, expired or replaced.");
        group.MapGet("/{consentId:guid}", GetAsync)
            .RequireAuthorization(policy => policy.RequireRole(Roles.Advisor, Roles.Admin))
            .WithName("GetConsent")
            .WithSummary("Reads one consent.")
            .WithResponseDescription(StatusCodes.Status404NotFound, "No consent with this id.")
            .WithResponseHeader(StatusCodes.Status200OK, "ETag", "The consent's version, for `If-Match`.");
        group.MapPost("/{consentId:guid}/withdrawal", WithdrawAsync)
            .RequireAuthorization(policy => policy.RequireRole(Roles.Advisor, Roles.Admin))
            .WithName("WithdrawConsent")
            .WithSummary("Withdraws a consent: sharing under it stops with the next request. Withdrawing twice changes nothing.")
            .WithStreamCommand("consent");
        group.MapPost("/{consentId:guid}/renewal", RenewAsync)
            .RequireAuthorization(policy => policy.RequireRole(Roles.Advisor, Roles.Admin))
            .WithName("RenewConsent")
            .WithSummary("Renews a consent in force with a new expiry: a new consent with the same terms replaces it.")
            .WithStreamCommand("consent")
            .WithResponseHeader(StatusCodes.Status200OK, "Location", "The new consent's URL.");
        group.MapPost("/{consentId:guid}/correction", CorrectAsync)
            .RequireAuthorization(policy => policy.RequireRole(Roles.Advisor, Roles.Admin))
            .WithName("CorrectConsent")
            .WithSummary("Corrects a consent in force: the old one is invalidated and the corrected one replaces it.")
            .WithStreamCommand("consent")
            .WithResponseHeader(StatusCodes.Status200OK, "Location", "The new consent's URL.");
        return group;
    }

    private static async Task<Results<Created<ConsentView>, ValidationProblem, ProblemHttpResult>> GiveAsync(
        GiveConsentRequest request, ClaimsPrincipal user, EventStore.EventStore store, OrganisationDirectory directory, TimeProvider time, CancellationToken ct)
    {
        var validation = Validate(request).Check(request.ParticipantId is not null, "participantId", "The participant is required.");
        if (!validation.IsValid)
        {
            return validation.Problem();
        }
        if (!await store.ParticipantExistsAsync(request.ParticipantId!.Value, ct))
        {
            return Problems.RuleViolated("consent.participant-unknown", $"No participant {request.ParticipantId} is registered.");
        }
        var consentId = Guid.CreateVersion7();
        var command = new ConsentCommand.Give(consentId, request.ParticipantId.Value, Terms(request), null, user.ActorOf(), time.GetUtcNow());
        return await CommitAsync(store, directory, command, null, ct) is { } refused
            ? refused
            : TypedResults.Created($"/consents/{consentId}", await ViewAsync(store, consentId, ct));
    }

    private static async Task<Results<Ok<ConsentView>, NotFound>> GetAsync(Guid consentId, EventStore.EventStore store, HttpContext http, CancellationToken ct)
    {
        var (state, version) = await store.FetchForWritingAsync(consentId, Consent.Initial, Consent.Evolve, ct);
        if (state is Consent.NotGiven)
        {
            return TypedResults.NotFound();
        }
        http.Response.Headers.ETag = ETags.Of(version);
        return TypedResults.Ok(View(state, null, null));
    }

    private static async Task<Results<Ok<ConsentView>, NotFound, ProblemHttpResult, ValidationProblem>> WithdrawAsync(
        Guid consentId, [FromHeader(Name = "If-Match")] string? ifMatch, ClaimsPrincipal user, EventStore.EventStore store, TimeProvider time, HttpContext http,
        CancellationToken ct) =>
        (await store.HandleAsync(Consent.Decider, consentId, new ConsentCommand.Withdraw(consentId, user.ActorOf(), time.GetUtcNow()), ifMatch,
            new EventMetadata { Actor = user.ActorOf() }, ct)).ToResult(http, state => View(state, null, null));

    private static async Task<Results<Ok<ConsentView>, NotFound, ProblemHttpResult, ValidationProblem>> RenewAsync(
        Guid consentId, RenewConsentRequest request, [FromHeader(Name = "If-Match")] string? ifMatch, ClaimsPrincipal user, EventStore.EventStore store,
        OrganisationDirectory directory, TimeProvider time, HttpContext http, CancellationToken ct)
    {
        if (request.ExpiresAt is null)
        {
            return new Validation().Add("expiresAt", "The new expiry is required.").Problem();
        }
        return await ReplaceAsync(consentId, ReplacementReason.Renewal, given => given.Terms with { ExpiresAt = request.ExpiresAt.Value.ToUniversalTime() },
            ifMatch, user, store, directory, time, http, ct);
    }

    private static async Task<Results<Ok<ConsentView>, NotFound, ProblemHttpResult, ValidationProblem>> CorrectAsync(
        Guid consentId, GiveConsentRequest request, [FromHeader(Name = "If-Match")] string? ifMatch, ClaimsPrincipal user, EventStore.EventStore store,
        OrganisationDirectory directory, TimeProvider time, HttpContext http, CancellationToken ct)
    {
        var validation = Validate(request).Check(request.ParticipantId is null, "participantId", "A correction keeps the participant; leave it out.");
        return validation.IsValid
            ? await ReplaceAsync(consentId, ReplacementReason.Correction, _ => Terms(request), ifMatch, user, store, directory, time, http, ct)
            : validation.Problem();
    }

    private static async Task<Results<Ok<ConsentView>, NotFound, ProblemHttpResult, ValidationProblem>> ReplaceAsync(
        Guid consentId, ReplacementReason reason, Func<Consent.Given, ConsentTerms> terms, string? ifMatch, ClaimsPrincipal user,
        EventStore.EventStore store, OrganisationDirectory directory, TimeProvider time, HttpContext http, CancellationToken ct)
    {
        var (state, version) = await store.FetchForWritingAsync(consentId, Consent.Initial, Consent.Evolve, ct);
        if (state is Consent.NotGiven)
        {
            return TypedResults.NotFound();
        }
        if (ifMatch is not null && ifMatch != "*" && ETags.Parse(ifMatch) != version)
        {
            return Problems.PreconditionFailed($"The consent is at version {version}; read it again before changing it.");
        }
        if (state is not Consent.Given given)
        {
            return Problems.RuleViolated("consent.ended", "Only a consent in force is renewed or corrected; record a new consent instead.");
        }
        var now = time.GetUtcNow();
        var replacement = Guid.CreateVersion7();
        IReadOnlyList<object> ending;
        try
        {
            ending = Consent.Decide(new ConsentCommand.Replace(consentId, replacement, reason, now), state);
        }
        catch (DomainRuleViolationException violation)
        {
            return Problems.RuleViolated(violation.Rule, violation.Message);
        }
        var command = new ConsentCommand.Give(replacement, given.ParticipantId, terms(given), consentId, user.ActorOf(), now);
        if (await CommitAsync(store, directory, command, (consentId, version, ending), ct) is { } refused)
        {
            return refused;
        }
        http.Response.Headers.Location = $"/consents/{replacement}";
        http.Response.Headers.ETag = ETags.Of(1);
        return TypedResults.Ok(await ViewAsync(store, replacement, ct));
    }

    /// <summary>Gives the consent and schedules its expiry in one transaction, ending the one it replaces in the same commit.</summary>
    private static async Task<ProblemHttpResult?> CommitAsync(
        EventStore.EventStore store, OrganisationDirectory directory, ConsentCommand.Give command, (Guid Id, long Version, IReadOnlyList<object> Events)? replaced,
        CancellationToken ct)
    {
        if (command.Terms.RecipientOrganisationId is { } recipient && await directory.GetAsync(recipient, ct) is null)
        {
            return Problems.RuleViolated("consent.recipient-unknown", $"Organisation {recipient} is not a registered partner.");
        }
        IReadOnlyList<object> events;
        try
        {
            events = Consent.Decide(command, Consent.Initial);
        }
        catch (DomainRuleViolationException violation)
        {
            return Problems.RuleViolated(violation.Rule, violation.Message);
        }
        await using var connection = await store.DataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var session = store.OpenSession(connection, transaction, new EventMetadata { Actor = command.Actor, CorrelationId = command.ParticipantId.ToString() });
        if (replaced is { } old)
        {
            session.Append(Consent.StreamType, old.Id, old.Version, old.Events);
        }
        try
        {
            await session.StartStream(Consent.StreamType, command.ConsentId, events).SaveChangesAsync(ct);
        }
        catch (StreamVersionConflict)
        {
            return Problems.PreconditionFailed("The consent changed while it was being replaced; read it again.");
        }
        await Timers.ScheduleAsync(connection, transaction, ConsentExpiry.TimerKind, new ConsentExpiry.Due(command.ConsentId), command.Terms.ExpiresAt, ct);
        // Never cancelled: a commit cancelled in flight may still land.
        await transaction.CommitAsync(CancellationToken.None);
        store.Appended.Set();
        return null;
    }

    private static Validation Validate(GiveConsentRequest request) => new Validation()
        .Check(request.Purpose is not null, "purpose", "The purpose is required: handover, employerDisclosure, funderReportingByBsn or research.")
        .Check(request.LegalBasis is not null, "legalBasis", "The legal basis is required: consent, contract, legalObligation or publicTask.")
        .Check(request.DataCategories is { Count: > 0 }, "dataCategories", "Name at least one data category the consent covers.")
        .Check(request.CollectionMethod is not null, "collectionMethod", "The collection method is required: written, verbalWithWitness or digital.")
        .Check(request.ExpiresAt is not null, "expiresAt", "The expiry is required.")
        .Check(request.RecipientCategory is not { Length: > 100 }, "recipientCategory", "A recipient category is at most 100 characters.")
        .Check(request.Witness is not { Length: > 100 }, "witness", "The witness is a staff id of at most 100 characters.");

    private static ConsentTerms Terms(GiveConsentRequest r) => new(
        r.Purpose!.Value, r.RecipientOrganisationId, string.IsNullOrWhiteSpace(r.RecipientCategory) ? null : r.RecipientCategory.Trim(), r.LegalBasis!.Value,
        r.DataCategories!, r.CollectionMethod!.Value, string.IsNullOrWhiteSpace(r.Witness) ? null : r.Witness.Trim(), r.ExpiresAt!.Value.ToUniversalTime());

    private static async Task<ConsentView> ViewAsync(EventStore.EventStore store, Guid consentId, CancellationToken ct)
    {
        var events = await store.ReadStreamAsync(consentId, ct: ct);
        var state = events.Aggregate(Consent.Initial, (s, e) => Consent.Evolve(s, e.Data));
        var given = events.Select(e => e.Data).OfType<ConsentGiven>().Single();
        return View(state, given.Replaces, events.Select(e => e.Data).OfType<ConsentReplaced>().FirstOrDefault()?.ReplacedBy);
    }

    private static ConsentView View(Consent state, Guid? replaces, Guid? replacedBy) => state switch
    {
        Consent.Given g => new(g.ConsentId, g.ParticipantId, g.Terms.Purpose, g.Terms.RecipientOrganisationId, g.Terms.RecipientCategory, g.Terms.LegalBasis,
            g.Terms.DataCategories, g.Terms.CollectionMethod, g.GivenAt, g.Terms.ExpiresAt, ConsentStatus.Given, null, replaces, replacedBy),
        Consent.Ended e => new(e.ConsentId, e.ParticipantId, e.Terms.Purpose, e.Terms.RecipientOrganisationId, e.Terms.RecipientCategory, e.Terms.LegalBasis,
            e.Terms.DataCategories, e.Terms.CollectionMethod, e.GivenAt, e.Terms.ExpiresAt, e.Status, e.EndedAt, replaces, replacedBy),
        _ => throw new InvalidOperationException("No consent to show."),
    };
}
