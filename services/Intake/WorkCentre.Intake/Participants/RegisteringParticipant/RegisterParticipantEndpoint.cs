using System.Diagnostics;
using System.Security.Claims;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using WorkCentre.EventStore;
using WorkCentre.Privacy;
using WorkCentre.ServiceDefaults;

namespace WorkCentre.Intake.Participants.RegisteringParticipant;

// Every field is optional for the JSON binder so that validation below can name all missing fields at once.
public sealed record RegisterParticipantRequest(
    string? GivenName = null,
    string? Prefix = null,
    string? FamilyName = null,
    DateOnly? DateOfBirth = null,
    string? Email = null,
    string? Phone = null,
    string? Postcode = null,
    string? Bsn = null,
    string? Municipality = null,
    IdentitySource? IdentitySource = null,
    bool ConfirmNewPerson = false);

public sealed record ParticipantRegisteredResponse(Guid ParticipantId, DateTimeOffset RegisteredAt);

public static partial class RegisterParticipantEndpoint
{
    public const int MaxNameLength = 100;
    public const int MaxPrefixLength = 20;
    public const int MaxEmailLength = 254;
    public const int MaxPlaceLength = 100;
    public const int MinimumAge = 12;
    public const int MaximumAge = 120;

    public static RouteHandlerBuilder MapRegisterParticipant(this RouteGroupBuilder group) =>
        group.MapPost("/", HandleAsync)
            .RequireAuthorization(policy => policy.RequireRole(Roles.Advisor, Roles.Admin))
            .WithIdempotency()
            .WithName("RegisterParticipant")
            .WithExamples(OpenApiExamples.RegisterParticipant, OpenApiExamples.ParticipantRegistered, StatusCodes.Status201Created)
            .WithSummary("Registers a person at intake under a new pseudonymous id.")
            .WithDescription(
                "Personal fields are stored encrypted under the participant's own key. A participant with the same BSN, or the same " +
                "name, date of birth and postcode (ignoring case, diacritics and tussenvoegsels), is a possible duplicate: the answer is " +
                "409 with their ids in `duplicates`, unless `confirmNewPerson` is true. Duplicate keys are kept only as keyed hashes.")
            .WithResponseHeader(StatusCodes.Status201Created, "Location", "The new participant's URL, `/participants/{participantId}`.")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithResponseDescription(StatusCodes.Status409Conflict,
                "Possible duplicate: `duplicates` lists the ids of participants with the same BSN or name, date of birth and postcode; " +
                "merge into one of them, or repeat with `confirmNewPerson: true`. `matchedOn` says which keys matched (`bsn`, `person`).");

    private static async Task<Results<Created<ParticipantRegisteredResponse>, ValidationProblem, ProblemHttpResult>> HandleAsync(
        RegisterParticipantRequest request, ClaimsPrincipal user, EventStore.EventStore store, BlindIndex index, TimeProvider time, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var validation = Validate(request, DateOnly.FromDateTime(now.UtcDateTime));
        if (!validation.IsValid)
        {
            return validation.Problem();
        }
        var participantId = Guid.CreateVersion7();
        var actor = user.ActorOf();
        var details = new PersonalDetails(request.GivenName!.Trim(), Blank(request.Prefix), request.FamilyName!.Trim(), request.DateOfBirth,
            Blank(request.Email), Blank(request.Phone), Postcode(request.Postcode!), Blank(request.Bsn));
        var command = new ParticipantCommand.Register(participantId, details, Blank(request.Municipality), request.IdentitySource!.Value, actor, now);
        var events = Participant.Decide(command, Participant.Initial);
        var keys = ParticipantMatchKeys.Of(index, details);

        await using var connection = await store.DataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        // Under the keys' locks until commit: a simultaneous registration of the same person waits here, then finds this one.
        await ParticipantMatchKeys.LockAsync(connection, tx, keys, ct);
        var duplicates = await ParticipantMatchKeys.FindAsync(connection, tx, keys, ct);
        if (duplicates.Count > 0 && !request.ConfirmNewPerson)
        {
            return TypedResults.Problem(
                "A participant with the same BSN, or the same name, date of birth and postcode, is already registered. " +
                "Merge into it, or confirm that this is a new person with confirmNewPerson: true.",
                statusCode: StatusCodes.Status409Conflict, title: "Possible duplicate", type: ProblemTypes.Conflict,
                extensions: new Dictionary<string, object?>
                {
                    ["duplicates"] = duplicates.Select(d => d.ParticipantId).Distinct().ToArray(),
                    ["matchedOn"] = duplicates.Select(d => d.Kind).Distinct().Order().ToArray(),
                });
        }
        var metadata = new EventMetadata
        {
            CorrelationId = participantId.ToString(),
            Actor = actor,
            Headers = Activity.Current is { } activity ? new Dictionary<string, string> { ["traceparent"] = activity.Id! } : null,
        };
        await store.OpenSession(connection, tx, metadata).StartStream(Participant.StreamType, participantId, events).SaveChangesAsync(ct);
        await tx.CommitAsync(CancellationToken.None);
        store.Appended.Set();
        return TypedResults.Created($"/participants/{participantId}", new ParticipantRegisteredResponse(participantId, now));
    }

    private static Validation Validate(RegisterParticipantRequest r, DateOnly today)
    {
        var v = new Validation();
        Name(v, "givenName", r.GivenName, MaxNameLength, required: true);
        Name(v, "prefix", r.Prefix, MaxPrefixLength, required: false);
        Name(v, "familyName", r.FamilyName, MaxNameLength, required: true);
        if (r.DateOfBirth is not { } born)
        {
            v.Add("dateOfBirth", "The date of birth is required (yyyy-MM-dd).");
        }
        else if (born >= today)
        {
            v.Add("dateOfBirth", "The date of birth must be in the past.");
        }
        else if (born < today.AddYears(-MaximumAge) || born > today.AddYears(-MinimumAge))
        {
            v.Add("dateOfBirth", $"The date of birth is not plausible: the person must be {MinimumAge} to {MaximumAge} years old.");
        }
        if (string.IsNullOrWhiteSpace(r.Postcode))
        {
            v.Add("postcode", "The postcode is required, e.g. 1234 AB.");
        }
        else if (!DutchPostcode().IsMatch(r.Postcode.Trim()))
        {
            v.Add("postcode", "A Dutch postcode is four digits (not starting with 0) and two letters, e.g. 1234 AB.");
        }
        if (!string.IsNullOrWhiteSpace(r.Email) && (r.Email.Trim().Length > MaxEmailLength || !EmailAddress().IsMatch(r.Email.Trim())))
        {
            v.Add("email", $"An e-mail address is name@domain.tld, at most {MaxEmailLength} characters.");
        }
        if (!string.IsNullOrWhiteSpace(r.Phone) && !PhoneNumber().IsMatch(r.Phone.Trim()))
        {
            v.Add("phone", "A phone number is 8 to 20 digits, spaces, dashes or parentheses, optionally starting with +.");
        }
        if (!string.IsNullOrWhiteSpace(r.Bsn) && !Bsn.IsValid(r.Bsn.Trim()))
        {
            v.Add("bsn", Bsn.Rule);
        }
        if (r.Municipality is { Length: > MaxPlaceLength })
        {
            v.Add("municipality", $"The municipality is at most {MaxPlaceLength} characters.");
        }
        if (r.IdentitySource is null)
        {
            v.Add("identitySource", "Say how the identity was established: identityDocument, selfDeclared or partnerReferral.");
        }
        return v;
    }

    private static void Name(Validation v, string field, string? value, int max, bool required)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required)
            {
                v.Add(field, $"The {field} is required.");
            }
        }
        else if (value.Trim().Length > max)
        {
            v.Add(field, $"The {field} is at most {max} characters.");
        }
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>Stored in the one spelling the post uses: "1234 AB".</summary>
    private static string Postcode(string value)
    {
        var compact = PersonMatch.NormalisePostcode(value);
        return $"{compact[..4]} {compact[4..]}";
    }

    // SA, SD and SS are not issued.
    [GeneratedRegex("^[1-9][0-9]{3} ?(?!SA|SD|SS|sa|sd|ss)[A-Za-z]{2}$")]
    private static partial Regex DutchPostcode();

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    private static partial Regex EmailAddress();

    [GeneratedRegex(@"^\+?[0-9][0-9 ()-]{7,19}$")]
    private static partial Regex PhoneNumber();
}
