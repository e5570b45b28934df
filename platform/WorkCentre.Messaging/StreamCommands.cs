using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using WorkCentre.EventStore;
using WorkCentre.ServiceDefaults;

namespace WorkCentre.Messaging;

/// <summary>A decider as the platform runs it: how a stream type's state is built and what a command decides over it.</summary>
public sealed record Decider<TState, TCommand>(
    string StreamType,
    TState Initial,
    Func<TState, object, TState> Evolve,
    Func<TCommand, TState, IReadOnlyList<object>> Decide,
    Func<TState, bool> Exists);

/// <summary>What came of a command on one stream.</summary>
public abstract record CommandOutcome<TState>
{
    private CommandOutcome()
    {
    }

    public sealed record Done(TState State, long Version, IReadOnlyList<object> Events) : CommandOutcome<TState>;

    public sealed record NotFound : CommandOutcome<TState>;

    /// <summary>The client's <c>If-Match</c> named another version than the stream's.</summary>
    public sealed record Stale(string Detail) : CommandOutcome<TState>;

    public sealed record Refused(string Rule, string Detail) : CommandOutcome<TState>;
}

/// <summary>
/// Runs a command against one stream the way every endpoint does: read, check <c>If-Match</c>, decide, append at the
/// version read. A caller that <c>mayAct</c> refuses gets 404, as for a stream that does not exist. Without <c>If-Match</c> a concurrent change is retried on the new state; with it, it is the client's 412.
/// </summary>
public static class StreamCommands
{
    private const int Attempts = 3;

    public static async Task<CommandOutcome<TState>> HandleAsync<TState, TCommand>(
        this EventStore.EventStore store, Decider<TState, TCommand> decider, Guid streamId, TCommand command,
        string? ifMatch, EventMetadata metadata, CancellationToken ct, Func<TState, bool>? mayAct = null)
    {
        long? expected = null;
        if (!string.IsNullOrEmpty(ifMatch) && ifMatch != "*")
        {
            expected = ETags.Parse(ifMatch);
            if (expected is null)
            {
                return new CommandOutcome<TState>.Stale($"If-Match must be an ETag this API returned, such as \"3\"; '{ifMatch}' is not.");
            }
        }
        for (var attempt = 1; ; attempt++)
        {
            var (state, version) = await store.FetchForWritingAsync(streamId, decider.Initial, decider.Evolve, ct);
            // Someone who may not act on a stream is not told it exists.
            if (!decider.Exists(state) || mayAct?.Invoke(state) == false)
            {
                return new CommandOutcome<TState>.NotFound();
            }
            if (expected is { } wanted && wanted != version)
            {
                return new CommandOutcome<TState>.Stale($"The version is {version}, not {wanted}: read it again and decide on what it says now.");
            }
            IReadOnlyList<object> events;
            try
            {
                events = decider.Decide(command, state);
            }
            catch (DomainRuleViolationException violation)
            {
                return new CommandOutcome<TState>.Refused(violation.Rule, violation.Message);
            }
            if (events.Count == 0)
            {
                return new CommandOutcome<TState>.Done(state, version, events);
            }
            try
            {
                await store.OpenSession(metadata).Append(decider.StreamType, streamId, version, events).SaveChangesAsync(ct);
                return new CommandOutcome<TState>.Done(events.Aggregate(state, decider.Evolve), version + events.Count, events);
            }
            catch (StreamVersionConflict) when (expected is null && attempt < Attempts)
            {
                // Someone changed the stream since it was read; decide again on what it says now.
            }
            catch (StreamVersionConflict) when (expected is not null)
            {
                return new CommandOutcome<TState>.Stale("The stream changed while the command ran: read it again and decide on what it says now.");
            }
        }
    }

    /// <summary>
    /// The usual answer: 200 with the view and the new <c>ETag</c>, 404, 412 or 422 naming the rule. The type has room
    /// for the 400 an endpoint gives before it runs the command, so its handler has one return type.
    /// </summary>
    public static Results<Ok<TView>, NotFound, ProblemHttpResult, ValidationProblem> ToResult<TState, TView>(
        this CommandOutcome<TState> outcome, HttpContext http, Func<TState, TView> view) => outcome switch
        {
            CommandOutcome<TState>.Done done => Ok(http, done, view),
            CommandOutcome<TState>.NotFound => TypedResults.NotFound(),
            CommandOutcome<TState>.Stale stale => Problems.PreconditionFailed(stale.Detail),
            CommandOutcome<TState>.Refused refused => Problems.RuleViolated(refused.Rule, refused.Detail),
            _ => throw new ArgumentOutOfRangeException(nameof(outcome)),
        };

    /// <summary>As <see cref="ToResult{TState, TView}"/>, for a view read from a read model the command's commit has just updated.</summary>
    public static async Task<Results<Ok<TView>, NotFound, ProblemHttpResult, ValidationProblem>> ToResultAsync<TState, TView>(
        this CommandOutcome<TState> outcome, HttpContext http, Func<TState, Task<TView>> view)
    {
        if (outcome is not CommandOutcome<TState>.Done done)
        {
            return outcome.ToResult<TState, TView>(http, _ => throw new InvalidOperationException("Only a command that was done has a view."));
        }
        http.Response.Headers.ETag = ETags.Of(done.Version);
        return TypedResults.Ok(await view(done.State));
    }

    private static Ok<TView> Ok<TState, TView>(HttpContext http, CommandOutcome<TState>.Done done, Func<TState, TView> view)
    {
        http.Response.Headers.ETag = ETags.Of(done.Version);
        return TypedResults.Ok(view(done.State));
    }

    /// <summary>Documents the answers of a command endpoint: its <c>If-Match</c>, the new <c>ETag</c>, 404, 412 and 422.</summary>
    public static RouteHandlerBuilder WithStreamCommand(this RouteHandlerBuilder builder, string subject) => builder
        .ProducesProblem(StatusCodes.Status412PreconditionFailed)
        .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
        .WithResponseHeader(StatusCodes.Status200OK, "ETag", $"The {subject}'s new version, for the next `If-Match`.")
        .WithResponseDescription(StatusCodes.Status404NotFound, $"No {subject} with this id.")
        .WithResponseDescription(StatusCodes.Status412PreconditionFailed, $"The `If-Match` version is not the {subject}'s current one.")
        .WithResponseDescription(StatusCodes.Status422UnprocessableEntity, "A rule of the work centre refuses the change; `rule` names it and nothing was written.");
}

/// <summary>A stream's version as an HTTP entity tag: <c>"3"</c>.</summary>
public static class ETags
{
    public static string Of(long version) => $"\"{version}\"";

    /// <summary>The version in <c>"3"</c> or <c>W/"3"</c>; null when the tag is not one of ours.</summary>
    public static long? Parse(string tag)
    {
        var value = tag.Trim();
        if (value.StartsWith("W/", StringComparison.Ordinal))
        {
            value = value[2..];
        }
        return value.Length > 2 && value[0] == '"' && value[^1] == '"'
            && long.TryParse(value.AsSpan(1, value.Length - 2), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var version)
            ? version
            : null;
    }
}
