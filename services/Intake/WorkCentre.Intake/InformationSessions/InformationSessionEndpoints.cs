using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using WorkCentre.EventStore;
using WorkCentre.EventStore.Projections;
using WorkCentre.Intake.Calendar;
using WorkCentre.Messaging;
using WorkCentre.ServiceDefaults;

namespace WorkCentre.Intake.InformationSessions;

public sealed record RecordSessionRequest(string? Programme = null, string? Location = null, string? Municipality = null, DateOnly? HeldOn = null, int? Headcount = null);

public sealed record CorrectHeadcountRequest(int? Headcount = null);

public sealed record SessionView(Guid SessionId, string Programme, string Location, string Municipality, DateOnly HeldOn, int Headcount);

public sealed record SessionList(IReadOnlyList<SessionView> Sessions, long Informed);

/// <summary>Group information sessions: recorded as a headcount, listed per programme with the number informed.</summary>
public static class InformationSessionEndpoints
{
    public static RouteGroupBuilder MapInformationSessions(this RouteGroupBuilder group)
    {
        group.MapPost("/", RecordAsync)
            .RequireAuthorization(policy => policy.RequireRole(Roles.Advisor, Roles.Partner, Roles.Admin))
            .WithIdempotency()
            .WithName("RecordInformationSession")
            .WithSummary("Records a group information session held for a programme: place, date and headcount, without names.")
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithResponseDescription(StatusCodes.Status422UnprocessableEntity, "Held in the future, or a headcount outside 1–1,000; `rule` says which.")
            .WithResponseHeader(StatusCodes.Status201Created, "Location", "The session's URL, `/information-sessions/{sessionId}`.");
        group.MapPut("/{sessionId:guid}/headcount", CorrectAsync)
            .RequireAuthorization(policy => policy.RequireRole(Roles.Advisor, Roles.Partner, Roles.Admin))
            .WithName("CorrectInformationSessionHeadcount")
            .WithSummary("Corrects a session's headcount after a recount.")
            .WithStreamCommand("information session");
        group.MapGet("/", ListAsync)
            .RequireAuthorization(policy => policy.RequireRole(Roles.Advisor, Roles.Partner, Roles.Manager, Roles.Admin))
            .WithName("ListInformationSessions")
            .WithSummary("Lists sessions of a programme in a date range, newest first, with the number of people informed in total.");
        return group;
    }

    private static async Task<Results<Created<SessionView>, ValidationProblem, ProblemHttpResult>> RecordAsync(
        RecordSessionRequest request, ClaimsPrincipal user, EventStore.EventStore store, TimeProvider time, CancellationToken ct)
    {
        var validation = new Validation().Required("programme", request.Programme).Required("location", request.Location).Required("municipality", request.Municipality)
            .Check(request.Programme is not { Length: > 100 }, "programme", "A programme is at most 100 characters.")
            .Check(request.Location is not { Length: > 100 }, "location", "A location is at most 100 characters.")
            .Check(request.Municipality is not { Length: > 100 }, "municipality", "A municipality is at most 100 characters.")
            .Check(request.HeldOn is not null, "heldOn", "The date the session was held is required.")
            .Check(request.Headcount is not null, "headcount", "The headcount is required.");
        if (!validation.IsValid)
        {
            return validation.Problem();
        }
        var id = Guid.CreateVersion7();
        var now = time.GetUtcNow();
        var command = new InformationSessionCommand.Record(id, request.Programme!.Trim(), request.Location!.Trim(), request.Municipality!.Trim(), request.HeldOn!.Value,
            DutchTime.Today(now), request.Headcount!.Value, user.ActorOf(), now);
        IReadOnlyList<object> events;
        try
        {
            events = InformationSession.Decide(command, InformationSession.Initial);
        }
        catch (DomainRuleViolationException violation)
        {
            return Problems.RuleViolated(violation.Rule, violation.Message);
        }
        await store.OpenSession(new EventMetadata { Actor = command.Actor }).StartStream(InformationSession.StreamType, id, events).SaveChangesAsync(ct);
        return TypedResults.Created($"/information-sessions/{id}", new SessionView(id, command.Programme, command.Location, command.Municipality, command.HeldOn, command.Headcount));
    }

    private static async Task<Results<Ok<SessionView>, NotFound, ProblemHttpResult, ValidationProblem>> CorrectAsync(
        Guid sessionId, CorrectHeadcountRequest request, [FromHeader(Name = "If-Match")] string? ifMatch, ClaimsPrincipal user, EventStore.EventStore store,
        TimeProvider time, HttpContext http, CancellationToken ct)
    {
        if (request.Headcount is not { } headcount)
        {
            return new Validation().Add("headcount", "The headcount is required.").Problem();
        }
        return (await store.HandleAsync(InformationSession.Decider, sessionId, new InformationSessionCommand.CorrectHeadcount(sessionId, headcount, user.ActorOf(), time.GetUtcNow()),
            ifMatch, new EventMetadata { Actor = user.ActorOf() }, ct))
            .ToResult(http, state => View((InformationSession.Held)state));
    }

    private static SessionView View(InformationSession.Held h) => new(h.SessionId, h.Programme, h.Location, h.Municipality, h.HeldOn, h.Headcount);

    private static async Task<Results<Ok<SessionList>, ValidationProblem>> ListAsync(
        string? programme, DateOnly? from, DateOnly? to, NpgsqlDataSource dataSource, CancellationToken ct)
    {
        var validation = new Validation().Check(from is null || to is null || from <= to, "to", "The end date is on or after the start date.");
        if (!validation.IsValid)
        {
            return validation.Problem();
        }
        await using var cmd = dataSource.CreateCommand(
            "select session_id, programme, location, municipality, held_on, headcount from intake.information_sessions " +
            "where ($1::text is null or lower(programme) = lower($1)) and ($2::date is null or held_on >= $2) and ($3::date is null or held_on <= $3) " +
            "order by held_on desc, session_id limit 1000");
        cmd.Parameters.Add(new NpgsqlParameter { Value = ReadModelSql.Parameter(string.IsNullOrWhiteSpace(programme) ? null : programme.Trim()) });
        cmd.Parameters.Add(new NpgsqlParameter { Value = ReadModelSql.Parameter(from) });
        cmd.Parameters.Add(new NpgsqlParameter { Value = ReadModelSql.Parameter(to) });
        var sessions = new List<SessionView>();
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                sessions.Add(new SessionView(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetFieldValue<DateOnly>(4), reader.GetInt32(5)));
            }
        }
        return TypedResults.Ok(new SessionList(sessions, sessions.Sum(s => (long)s.Headcount)));
    }
}

/// <summary>The sessions as a table for the list; headcounts only.</summary>
public sealed class InformationSessionTable : IProjection, IReadModelSchema
{
    public string Name => "information-sessions";

    public async Task ApplyAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("""
            create schema if not exists intake;
            create table if not exists intake.information_sessions (
                session_id uuid primary key, programme text not null, location text not null, municipality text not null, held_on date not null,
                headcount int not null);
            """);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<EventEnvelope> events, CancellationToken ct)
    {
        foreach (var data in events.Select(e => e.Data))
        {
            var (sql, values) = data switch
            {
                InformationSessionHeld e => ("insert into intake.information_sessions values ($1, $2, $3, $4, $5, $6) on conflict do nothing",
                    new object[] { e.SessionId, e.Programme, e.Location, e.Municipality, e.HeldOn, e.Headcount }),
                InformationSessionHeadcountCorrected e => ("update intake.information_sessions set headcount = $2 where session_id = $1", [e.SessionId, e.Headcount]),
                _ => (null, []),
            };
            if (sql is null)
            {
                continue;
            }
            await ReadModelSql.ExecuteAsync(connection, transaction, sql, values, ct);
        }
    }

    public async Task ResetAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("truncate intake.information_sessions", connection, transaction);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
