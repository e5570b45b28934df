using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using WorkCentre.EndToEnd.Tests.Infrastructure;
using WorkCentre.ServiceDefaults;
using WorkCentre.Testing;

namespace WorkCentre.EndToEnd.Tests;

public sealed class InformationSessionApiTests(IntakeAndInsights services) : IClassFixture<IntakeAndInsights>
{
    [Fact]
    public async Task Given_two_zorgstart_sessions_When_a_manager_lists_the_programme_Then_the_informed_total_is_their_headcount_and_no_one_is_named()
    {
        using var advisor = services.Intake.ClientAs(Roles.Advisor);
        using var manager = services.Intake.ClientAs(Roles.Manager, "haarlem");
        var programme = $"ZorgStart {Guid.NewGuid():N}"[..20];

        var first = await advisor.PostAsJsonAsync("/information-sessions", new { programme, location = "Spaarne Gasthuis", municipality = "Haarlem", heldOn = "2026-11-03", headcount = 38 }, Json.Options);
        var second = await advisor.PostAsJsonAsync("/information-sessions", new { programme, location = "Rode Kruis Ziekenhuis", municipality = "Beverwijk", heldOn = "2026-11-10", headcount = 24 }, Json.Options);
        var empty = await advisor.PostAsJsonAsync("/information-sessions", new { programme, location = "Library", municipality = "Velsen", heldOn = "2026-11-11", headcount = 0 }, Json.Options);
        var list = await manager.GetFromJsonAsync<JsonElement>($"/information-sessions?programme={Uri.EscapeDataString(programme)}", Json.Options);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, empty.StatusCode);
        Assert.Equal(62, list.GetProperty("informed").GetInt64());
        Assert.Equal(2, list.GetProperty("sessions").GetArrayLength());
    }
}
