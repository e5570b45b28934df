using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using WorkCentre.Contracts.Intake;
using WorkCentre.EndToEnd.Tests.Infrastructure;
using WorkCentre.ServiceDefaults;
using WorkCentre.Testing;

namespace WorkCentre.EndToEnd.Tests;

/// <summary>An inquiry from the desk to its outcome, and who may see it: every advisor, a partner only its own desk's.</summary>
public sealed class InquiryLifecycleApiTests(IntakeAndInsights services) : IClassFixture<IntakeAndInsights>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Given_an_inquiry_at_velsens_desk_When_staff_of_another_partner_look_for_it_Then_404_and_it_is_not_in_their_list()
    {
        using var velsen = services.Intake.ClientAs(Roles.Partner, "velsen");
        using var uwv = services.Intake.ClientAs(Roles.Partner, "uwv");
        using var advisor = services.Intake.ClientAs(Roles.Advisor);
        var id = await RegisterAsync(velsen, IntakeAndInsights.Inquiry("Velsen"));

        Assert.Equal(HttpStatusCode.OK, (await velsen.GetAsync($"/inquiries/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await advisor.GetAsync($"/inquiries/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await uwv.GetAsync($"/inquiries/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await uwv.PostAsJsonAsync($"/inquiries/{id}/answer", new { note = "x" })).StatusCode);
        Assert.DoesNotContain(id.ToString(), await uwv.GetStringAsync("/inquiries?pageSize=100"), StringComparison.Ordinal);
        Assert.Contains(id.ToString(), await advisor.GetStringAsync("/inquiries?municipality=velsen&pageSize=100"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_inquiries_in_two_municipalities_When_an_advisor_filters_Then_only_the_matching_ones_page_by_page()
    {
        using var advisor = services.Intake.ClientAs(Roles.Advisor);
        var town = $"Zandvoort-{Guid.NewGuid():N}"[..20];
        for (var i = 0; i < 3; i++)
        {
            await RegisterAsync(advisor, IntakeAndInsights.Inquiry(town, domain: QuestionDomain.Learning));
        }
        await RegisterAsync(advisor, IntakeAndInsights.Inquiry(town, domain: QuestionDomain.Career));

        var page = await advisor.GetFromJsonAsync<JsonElement>($"/inquiries?municipality={town}&domain=learning&pageSize=2", Json.Options);
        var second = await advisor.GetFromJsonAsync<JsonElement>($"/inquiries?municipality={town}&domain=learning&pageSize=2&page=2", Json.Options);

        Assert.Equal(3, page.GetProperty("total").GetInt64());
        Assert.Equal(2, page.GetProperty("items").GetArrayLength());
        Assert.Equal(1, second.GetProperty("items").GetArrayLength());
        Assert.Equal(HttpStatusCode.BadRequest, (await advisor.GetAsync("/inquiries?pageSize=500")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await advisor.GetAsync("/inquiries?status=lost")).StatusCode);
    }

    [Fact]
    public async Task Given_an_employers_question_When_forwarded_and_closed_Then_insights_hears_both_and_a_residents_cannot_be_forwarded()
    {
        using var advisor = services.Intake.ClientAs(Roles.Advisor);
        var employer = await RegisterAsync(advisor, new
        {
            channel = "phone",
            requesterType = "employer",
            domain = "working",
            municipality = "Beverwijk",
            location = "WSP phone line",
            question = "We need three welders by March.",
        });
        var resident = await RegisterAsync(advisor, IntakeAndInsights.Inquiry("Beverwijk"));

        var forwarded = await advisor.PostAsync($"/inquiries/{employer}/forward-to-employer-service", null);
        var refused = await advisor.PostAsync($"/inquiries/{resident}/forward-to-employer-service", null);
        var closed = await advisor.PostAsJsonAsync($"/inquiries/{employer}/closure", new { outcome = "forwardedToEmployerService" }, Json.Options);

        Assert.Equal("forwarded", (await forwarded.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Equal("closed", (await closed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        await Eventually.TrueAsync(async () => await services.Insights.ScalarAsync(
            $"select count(*) from events.events where stream_id = '{employer}' and type in ('intake.employer_question_forwarded.v1', 'intake.inquiry_closed.v1')") == 2,
            Patience, "insights should receive the forward and the closure");
    }

    private static async Task<Guid> RegisterAsync(HttpClient client, object inquiry)
    {
        var response = await client.PostAsJsonAsync("/inquiries", inquiry, Json.Options);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("inquiryId").GetGuid();
    }
}
