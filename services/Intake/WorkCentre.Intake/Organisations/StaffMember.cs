using System.Security.Claims;
using WorkCentre.ServiceDefaults;

namespace WorkCentre.Intake.Organisations;

/// <summary>
/// Who acts, resolved to the legal entity named by the token's <c>org</c> claim and the inboxes its staff work: its own
/// and those of the partnerships it is a member of. Admins act for the work centre as a whole.
/// </summary>
public sealed record StaffMember(string Actor, OrganisationEntry? Organisation, bool IsAdmin, IReadOnlyList<Guid> Works)
{
    public static async Task<StaffMember> ResolveAsync(ClaimsPrincipal user, OrganisationDirectory directory, CancellationToken ct)
    {
        var code = user.OrganisationOf();
        // One query for the token's organisation and its partnerships: this runs on every handover request.
        var worked = code is null ? [] : await directory.WorkedByCodeAsync(code, ct);
        var own = worked.FirstOrDefault(o => o.Code == code);
        IReadOnlyList<Guid> works = own is null ? [] : [.. worked.Where(o => o.IsWorkedBy(own.OrganisationId)).Select(o => o.OrganisationId)];
        return new StaffMember(user.ActorOf(), own, user.IsInRole(Roles.Admin), works);
    }

    /// <summary>Receives for <paramref name="organisation"/>: works its inboxes.</summary>
    public bool Receives(Guid organisation) => IsAdmin || Works.Contains(organisation);

    /// <summary>Sent on behalf of <paramref name="organisation"/>: the sender stays responsible until acceptance.</summary>
    public bool SendsFor(Guid organisation) => IsAdmin || Organisation?.OrganisationId == organisation;
}
