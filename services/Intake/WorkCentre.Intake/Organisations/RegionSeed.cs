using System.Security.Cryptography;
using System.Text;
using WorkCentre.EventStore;

namespace WorkCentre.Intake.Organisations;

/// <summary>
/// The partners of the Zuid-Kennemerland en IJmond work centre, registered at start-up when absent. Ids follow
/// from the codes, so every instance and every fresh database agrees on them; admins change the rest later.
/// </summary>
public sealed class RegionSeed(EventStore.EventStore store, OrganisationDirectory directory, TimeProvider time, IConfiguration configuration,
    ILogger<RegionSeed> logger) : IHostedService
{
    public const string WorkCentre = "werkcentrum-zkij";

    private sealed record Partner(string Code, string Name, OrganisationType Type, ParticipationDepth Depth, string[] Members, (string Name, int Days)[] Inboxes);

    private static readonly Partner[] Partners =
    [
        new(WorkCentre, "Werkcentrum Zuid-Kennemerland en IJmond", OrganisationType.WorkCentre, ParticipationDepth.CoDeliver, [],
            [("Werkcentrum – Verwijzingen en terugmeldingen", 5)]),
        new("haarlem", "Gemeente Haarlem", OrganisationType.Municipality, ParticipationDepth.CoDeliver, [], [("Gemeente Haarlem – Werk en inkomen", 5)]),
        new("zandvoort", "Gemeente Zandvoort", OrganisationType.Municipality, ParticipationDepth.AcceptHandovers, [], [("Gemeente Zandvoort – Werk", 5)]),
        new("bloemendaal", "Gemeente Bloemendaal", OrganisationType.Municipality, ParticipationDepth.InformOnly, [], []),
        new("heemstede", "Gemeente Heemstede", OrganisationType.Municipality, ParticipationDepth.AcceptHandovers, [], [("Gemeente Heemstede – Werk", 5)]),
        new("velsen", "Gemeente Velsen", OrganisationType.Municipality, ParticipationDepth.CoDeliver, [], [("Gemeente Velsen – Werk en inkomen", 5)]),
        new("beverwijk", "Gemeente Beverwijk", OrganisationType.Municipality, ParticipationDepth.AcceptHandovers, [], [("Gemeente Beverwijk – Werk", 5)]),
        new("heemskerk", "Gemeente Heemskerk", OrganisationType.Municipality, ParticipationDepth.AcceptHandovers, [], [("Gemeente Heemskerk – Werk", 5)]),
        new("uwv", "UWV", OrganisationType.Uwv, ParticipationDepth.CoDeliver, [], [("UWV – WW intake", 5), ("UWV – Werkfit en re-integratie", 10)]),
        new("spaarne-werkt", "Spaarne Werkt", OrganisationType.WorkCompany, ParticipationDepth.CoDeliver, [], [("Spaarne Werkt – Re-integratie", 5)]),
        new("ijmond-werkt", "IJmond Werkt!", OrganisationType.WorkCompany, ParticipationDepth.CoDeliver, [], [("IJmond Werkt! – Re-integratie", 5)]),
        new("wsp-zkij", "Werkgeversservicepunt Zuid-Kennemerland en IJmond", OrganisationType.EmployerServicePoint, ParticipationDepth.CoDeliver,
            ["spaarne-werkt", "ijmond-werkt", "uwv"], [("WSP – Werkgeversvragen", 3)]),
        new("rmt-zkij", "Regionaal Mobiliteitsteam Zuid-Kennemerland en IJmond", OrganisationType.MobilityTeam, ParticipationDepth.AcceptHandovers,
            ["haarlem", "velsen", "uwv"], [("RMT – Van werk naar werk", 5)]),
        new("leerwerkloket", "Leerwerkloket Zuid-Kennemerland en IJmond", OrganisationType.LearnWorkDesk, ParticipationDepth.AcceptHandovers, [],
            [("Leerwerkloket – Scholingsadvies", 5)]),
        new("doorstroompunt", "Doorstroompunt", OrganisationType.YouthTransitionPoint, ParticipationDepth.AcceptHandovers, [],
            [("Doorstroompunt – Jongeren zonder startkwalificatie", 5)]),
        new("nova-college", "Nova College", OrganisationType.TrainingProvider, ParticipationDepth.CoDeliver, [], [("Nova College – Opleidingsadvies", 10)]),
        new("ggz-ingeest", "GGZ inGeest", OrganisationType.MentalHealthProvider, ParticipationDepth.CoDeliver, [], [("GGZ inGeest – IPS trajecten", 10)]),
    ];

    /// <summary>The organisation id a seeded code has everywhere.</summary>
    public static Guid IdOf(string code) => NameBased("organisation:" + code);

    /// <summary>The id of a seeded inbox, from its organisation's code and its name.</summary>
    public static Guid InboxIdOf(string code, string inboxName) => NameBased($"inbox:{code}:{inboxName}");

    public static IEnumerable<(string Code, string Inbox)> SeededInboxes => Partners.SelectMany(p => p.Inboxes.Select(i => (p.Code, i.Name)));

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!configuration.GetValue("Intake:SeedRegion", true))
        {
            return;
        }
        var now = time.GetUtcNow();
        var added = 0;
        foreach (var partner in Partners)
        {
            if (await directory.FindByCodeAsync(partner.Code, cancellationToken) is not null)
            {
                continue;
            }
            var id = IdOf(partner.Code);
            var state = Organisation.Initial;
            var events = new List<object>();
            IEnumerable<OrganisationCommand> commands =
            [
                new OrganisationCommand.Register(id, partner.Code, partner.Name, partner.Type, partner.Depth, [.. partner.Members.Select(IdOf)], now),
                .. partner.Inboxes.Select(i => new OrganisationCommand.OpenInbox(id, InboxIdOf(partner.Code, i.Name), i.Name, i.Days, now)),
            ];
            foreach (var command in commands)
            {
                var decided = Organisation.Decide(command, state);
                state = decided.Aggregate(state, Organisation.Evolve);
                events.AddRange(decided);
            }
            try
            {
                await store.OpenSession(new EventMetadata { Actor = "seed" }).StartStream(Organisation.StreamType, id, events).SaveChangesAsync(cancellationToken);
                added++;
            }
            catch (StreamVersionConflict)
            {
                // Another instance seeded it first.
            }
        }
        if (added > 0)
        {
            logger.LogInformation("Seeded {Count} partner organisations of the region", added);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static Guid NameBased(string name)
    {
        // A stable id from a name (RFC 9562 version 8 layout over SHA-256), so seeds agree across databases.
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes("workcentre:" + name), hash);
        var bytes = hash[..16].ToArray();
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }
}
