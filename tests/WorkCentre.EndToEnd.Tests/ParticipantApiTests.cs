using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using WorkCentre.EndToEnd.Tests.Infrastructure;
using WorkCentre.ServiceDefaults;
using WorkCentre.Testing;

namespace WorkCentre.EndToEnd.Tests;

/// <summary>The participants API against the real database and broker; every test registers people of its own.</summary>
public sealed class ParticipantApiTests(IntakeAndInsights services) : IClassFixture<IntakeAndInsights>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    /// <summary>A person no other test registers: a unique family name, e-mail, phone, postcode and a BSN that passes the eleven-test.</summary>
    private sealed record Person(string GivenName, string? Prefix, string FamilyName, string DateOfBirth, string Email, string Phone, string Postcode, string? Bsn)
    {
        public static Person New(bool withBsn = true)
        {
            var tag = Letters(8);
            return new Person("Jan", "van der", "Berg" + tag, $"19{Random.Shared.Next(50, 99)}-0{Random.Shared.Next(1, 9)}-1{Random.Shared.Next(0, 9)}",
                $"jan.{tag}@example.nl", $"06{Random.Shared.Next(10_000_000, 99_999_999)}", $"{Random.Shared.Next(1000, 9999)} {Letters(2).ToUpperInvariant().Replace('S', 'X')}",
                withBsn ? NewBsn() : null);
        }

        public object Body(bool confirmNewPerson = false, string identitySource = "identityDocument") => new
        {
            givenName = GivenName,
            prefix = Prefix,
            familyName = FamilyName,
            dateOfBirth = DateOfBirth,
            email = Email,
            phone = Phone,
            postcode = Postcode,
            bsn = Bsn,
            municipality = "Hilversum",
            identitySource,
            confirmNewPerson,
        };

        /// <summary>What must never be found in clear once the person is erased.</summary>
        public IEnumerable<string> Values => [FamilyName, Email, Phone, Postcode, Postcode.Replace(" ", "", StringComparison.Ordinal), .. Bsn is null ? Array.Empty<string>() : [Bsn]];
    }

    [Fact]
    public async Task Given_a_valid_person_When_registered_Then_201_with_location_and_the_personal_data_only_encrypted_in_the_events()
    {
        using var advisor = services.Intake.ClientAs(Roles.Advisor);
        var person = Person.New();

        var response = await advisor.PostAsJsonAsync("/participants", person.Body());

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("participantId").GetGuid();
        Assert.Equal($"/participants/{id}", response.Headers.Location?.OriginalString);
        Assert.Empty(await Cleartext.FindAsync(services.Intake.DataSource, person.Values));
    }

    [Fact]
    public async Task Given_invalid_fields_When_registering_Then_400_names_each_field_and_rule_and_nothing_is_written()
    {
        using var advisor = services.Intake.ClientAs(Roles.Advisor);
        var before = await EventsAsync();

        var response = await advisor.PostAsJsonAsync("/participants", new
        {
            givenName = "",
            familyName = new string('x', 101),
            dateOfBirth = DateTime.UtcNow.AddDays(1).ToString("yyyy-MM-dd"),
            email = "jan-at-example",
            postcode = "0123 AB",
            bsn = "123456789",
            identitySource = "identityDocument",
        });

        var errors = (await AssertProblemAsync(response, HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.Contains("eleven-test", Error(errors, "bsn"), StringComparison.Ordinal);
        Assert.Contains("required", Error(errors, "givenName"), StringComparison.Ordinal);
        Assert.Contains("at most 100", Error(errors, "familyName"), StringComparison.Ordinal);
        Assert.Contains("past", Error(errors, "dateOfBirth"), StringComparison.Ordinal);
        Assert.Contains("1234 AB", Error(errors, "postcode"), StringComparison.Ordinal);
        Assert.Contains("e-mail", Error(errors, "email"), StringComparison.Ordinal);
        Assert.Equal(before, await EventsAsync());
    }

    [Fact]
    public async Task Given_an_implausible_birth_date_or_no_identity_source_When_registering_Then_400_naming_them()
    {
        using var advisor = services.Intake.ClientAs(Roles.Advisor);

        var response = await advisor.PostAsJsonAsync("/participants", new { givenName = "Jan", familyName = "Berg", dateOfBirth = "1890-01-01", postcode = "1011 AB" });

        var errors = (await AssertProblemAsync(response, HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.Contains("plausible", Error(errors, "dateOfBirth"), StringComparison.Ordinal);
        Assert.Contains("identityDocument", Error(errors, "identitySource"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_an_unknown_identity_source_When_registering_Then_400_naming_it_and_nothing_is_written()
    {
        using var advisor = services.Intake.ClientAs(Roles.Advisor);
        var before = await EventsAsync();

        var response = await advisor.PostAsJsonAsync("/participants", Person.New().Body(identitySource: "carrierPigeon"));

        var errors = (await AssertProblemAsync(response, HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("identitySource", out _), errors.ToString());
        Assert.Equal(before, await EventsAsync());
    }

    [Fact]
    public async Task Given_a_registered_person_When_registering_the_same_bsn_under_another_name_Then_409_with_the_existing_id()
    {
        using var advisor = services.Intake.ClientAs(Roles.Advisor);
        var person = Person.New();
        var existing = await RegisterAsync(advisor, person);

        var response = await advisor.PostAsJsonAsync("/participants", (person with { GivenName = "Johannes", FamilyName = "Anders" + Letters(6), Postcode = "9999 ZZ" }).Body());

        var problem = await AssertProblemAsync(response, HttpStatusCode.Conflict);
        Assert.Equal([existing], Duplicates(problem));
        Assert.Equal("bsn", problem.GetProperty("matchedOn")[0].GetString());
    }

    [Theory]
    [InlineData("jan", "Van Der")] // case and tussenvoegsel spelled differently
    [InlineData("Jan", null)] // the tussenvoegsel left out
    [InlineData("José", "v.d.")] // a diacritic and an abbreviated tussenvoegsel
    public async Task Given_a_registered_person_When_registering_a_name_variant_without_bsn_Then_409_and_with_confirmNewPerson_201(string given, string? prefix)
    {
        using var advisor = services.Intake.ClientAs(Roles.Advisor);
        var person = Person.New(withBsn: false) with { GivenName = given == "José" ? "Jose" : "Jan" };
        var existing = await RegisterAsync(advisor, person);
        var variant = person with { GivenName = given, Prefix = prefix, FamilyName = person.FamilyName.ToUpperInvariant(), Email = "other@example.nl", Postcode = person.Postcode.Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant() };

        var refused = await advisor.PostAsJsonAsync("/participants", variant.Body());
        var confirmed = await advisor.PostAsJsonAsync("/participants", variant.Body(confirmNewPerson: true));

        var problem = await AssertProblemAsync(refused, HttpStatusCode.Conflict);
        Assert.Equal([existing], Duplicates(problem));
        Assert.Equal("person", problem.GetProperty("matchedOn")[0].GetString());
        Assert.Equal(HttpStatusCode.Created, confirmed.StatusCode);
    }

    [Fact]
    public async Task Given_two_identical_registrations_at_the_same_time_When_both_are_posted_Then_one_is_registered_and_the_other_is_a_duplicate()
    {
        using var advisor = services.Intake.ClientAs(Roles.Advisor);
        using var otherDesk = services.Intake.ClientAs(Roles.Advisor, "uwv-hilversum");
        var person = Person.New();

        var responses = await Task.WhenAll(advisor.PostAsJsonAsync("/participants", person.Body()), otherDesk.PostAsJsonAsync("/participants", person.Body()));

        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Conflict], responses.Select(r => r.StatusCode).Order());
    }

    [Fact]
    public async Task Given_a_participant_When_read_without_a_purpose_Then_400_naming_purpose_and_no_read_is_recorded()
    {
        using var advisor = services.Intake.ClientAs(Roles.Advisor);
        var id = await RegisterAsync(advisor, Person.New());

        var missing = await advisor.GetAsync($"/participants/{id}");
        var blank = await advisor.GetAsync($"/participants/{id}?purpose=%20%20");

        Assert.True((await AssertProblemAsync(missing, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("purpose", out _));
        Assert.True((await AssertProblemAsync(blank, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("purpose", out _));
        Assert.Equal(0, await ReadsRecordedAsync(id));
    }

    [Fact]
    public async Task Given_a_participant_When_an_advisor_reads_it_for_a_purpose_Then_the_data_and_an_etag_and_the_admin_sees_the_read()
    {
        using var advisor = services.Intake.ClientAs(Roles.Advisor, "uwv-hilversum");
        using var admin = services.Intake.ClientAs(Roles.Admin);
        var person = Person.New();
        var id = await RegisterAsync(advisor, person);

        var read = await advisor.GetAsync($"/participants/{id}?purpose=intake%20interview");
        var reads = await admin.GetFromJsonAsync<JsonElement>($"/participants/{id}/reads?page=1&pageSize=10");

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        var body = await read.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(person.FamilyName, body.GetProperty("familyName").GetString());
        Assert.Equal(person.Bsn, body.GetProperty("bsn").GetString());
        Assert.Equal("\"1\"", read.Headers.ETag?.Tag);
        Assert.Equal(1, reads.GetProperty("total").GetInt64());
        var row = reads.GetProperty("reads")[0];
        Assert.Equal("staff-advisor-uwv-hilversum", row.GetProperty("actor").GetString());
        Assert.Equal("uwv-hilversum", row.GetProperty("organisation").GetString());
        Assert.Equal("intake interview", row.GetProperty("purpose").GetString());
        Assert.Equal(id, row.GetProperty("participantId").GetGuid());
    }

    [Fact]
    public async Task Given_a_participant_When_a_manager_or_partner_reads_it_or_an_advisor_lists_its_reads_Then_403_and_unknown_ids_are_404()
    {
        using var advisor = services.Intake.ClientAs(Roles.Advisor);
        using var manager = services.Intake.ClientAs(Roles.Manager);
        using var partner = services.Intake.ClientAs(Roles.Partner);
        var id = await RegisterAsync(advisor, Person.New());

        await AssertProblemAsync(await manager.GetAsync($"/participants/{id}?purpose=report"), HttpStatusCode.Forbidden);
        await AssertProblemAsync(await partner.GetAsync($"/participants/{id}?purpose=handover"), HttpStatusCode.Forbidden);
        await AssertProblemAsync(await advisor.GetAsync($"/participants/{id}/reads"), HttpStatusCode.Forbidden);
        await AssertProblemAsync(await manager.PostAsJsonAsync("/participants", Person.New().Body()), HttpStatusCode.Forbidden);
        await AssertProblemAsync(await advisor.GetAsync($"/participants/{Guid.CreateVersion7()}?purpose=intake"), HttpStatusCode.NotFound);
        Assert.Equal(0, await ReadsRecordedAsync(id));
    }

    [Fact]
    public async Task Given_a_duplicate_When_merged_into_the_first_Then_reads_of_it_return_the_survivor_and_later_registrations_find_the_survivor()
    {
        using var advisor = services.Intake.ClientAs(Roles.Advisor);
        var person = Person.New(withBsn: false);
        var survivor = await RegisterAsync(advisor, person);
        var duplicate = await RegisterAsync(advisor, person with { Email = "second.desk@example.nl" }, confirmNewPerson: true);

        var merge = await PostWithIfMatchAsync(advisor, $"/participants/{duplicate}/merge", new { into = survivor }, "\"1\"");
        var read = await advisor.GetFromJsonAsync<JsonElement>($"/participants/{duplicate}?purpose=intake%20interview");
        var again = await advisor.PostAsJsonAsync("/participants", person.Body());

        Assert.Equal(HttpStatusCode.OK, merge.StatusCode);
        Assert.Equal(survivor, read.GetProperty("participantId").GetGuid());
        Assert.Equal(duplicate, read.GetProperty("redirectedFrom").GetGuid());
        Assert.Equal([duplicate], read.GetProperty("mergedFrom").EnumerateArray().Select(e => e.GetGuid()));
        Assert.Equal(person.Email, read.GetProperty("email").GetString());
        Assert.Equal([survivor], Duplicates(await AssertProblemAsync(again, HttpStatusCode.Conflict)));
    }

    [Fact]
    public async Task Given_participants_When_merging_with_a_stale_if_match_into_itself_or_twice_Then_412_and_422_with_the_rule()
    {
        using var advisor = services.Intake.ClientAs(Roles.Advisor);
        var first = await RegisterAsync(advisor, Person.New());
        var second = await RegisterAsync(advisor, Person.New());

        var stale = await PostWithIfMatchAsync(advisor, $"/participants/{second}/merge", new { into = first }, "\"7\"");
        var self = await advisor.PostAsJsonAsync($"/participants/{second}/merge", new { into = second });
        (await advisor.PostAsJsonAsync($"/participants/{second}/merge", new { into = first })).EnsureSuccessStatusCode();
        var twice = await advisor.PostAsJsonAsync($"/participants/{second}/merge", new { into = first });
        var missing = await advisor.PostAsJsonAsync($"/participants/{first}/merge", new { });

        await AssertProblemAsync(stale, HttpStatusCode.PreconditionFailed);
        Assert.Equal("participant.merge-self", (await AssertProblemAsync(self, HttpStatusCode.UnprocessableEntity)).GetProperty("rule").GetString());
        Assert.Equal("participant.already-merged", (await AssertProblemAsync(twice, HttpStatusCode.UnprocessableEntity)).GetProperty("rule").GetString());
        Assert.True((await AssertProblemAsync(missing, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("into", out _));
    }

    [Fact]
    public async Task Given_a_read_and_merged_person_When_erased_Then_no_personal_value_is_left_in_any_column_of_intake_or_insights_and_counts_stay()
    {
        using var advisor = services.Intake.ClientAs(Roles.Advisor);
        using var admin = services.Intake.ClientAs(Roles.Admin);
        var person = Person.New();
        var id = await RegisterAsync(advisor, person);
        var duplicate = await RegisterAsync(advisor, person with { Bsn = null, Email = "dup." + person.Email }, confirmNewPerson: true);
        (await advisor.PostAsJsonAsync($"/participants/{duplicate}/merge", new { into = id })).EnsureSuccessStatusCode();
        (await advisor.GetAsync($"/participants/{id}?purpose=intake%20interview")).EnsureSuccessStatusCode();

        var erasure = await advisor.PostAsJsonAsync($"/participants/{id}/erasure", new { reason = "subjectRequest" });
        var repeated = await advisor.PostAsJsonAsync($"/participants/{duplicate}/erasure", new { reason = "subjectRequest" });

        Assert.Equal(HttpStatusCode.OK, erasure.StatusCode);
        Assert.Equal(HttpStatusCode.OK, repeated.StatusCode);
        var erased = await erasure.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal([id, duplicate], erased.GetProperty("erasedParticipantIds").EnumerateArray().Select(e => e.GetGuid()).Order());
        var read = await advisor.GetFromJsonAsync<JsonElement>($"/participants/{duplicate}?purpose=erasure%20check");
        Assert.Equal(id, read.GetProperty("participantId").GetGuid());
        Assert.Equal("subjectRequest", read.GetProperty("erased").GetProperty("reason").GetString());
        foreach (var field in new[] { "givenName", "prefix", "familyName", "dateOfBirth", "email", "phone", "postcode", "bsn" })
        {
            Assert.Equal(JsonValueKind.Null, read.GetProperty(field).ValueKind);
        }
        Assert.Equal(0, await services.Intake.ScalarAsync($"select count(*) from intake.participant_match_keys where participant_id in ('{id}', '{duplicate}')"));
        // The reads stay as accountability for what was read before the erasure.
        Assert.Equal(2, (await admin.GetFromJsonAsync<JsonElement>($"/participants/{id}/reads")).GetProperty("total").GetInt64());

        await Eventually.TrueAsync(async () => await services.Insights.ScalarAsync(
            $"select count(*) from events.events where stream_id in ('{id}', '{duplicate}') and type = 'intake.data_subject_erased.v1'") == 2,
            Patience, "insights should receive both erasures");
        // Each contract has its own queue, so the registrations may land after the erasures: await them, then count.
        await Eventually.TrueAsync(async () => await services.Insights.ScalarAsync(
            $"select count(*) from events.events where stream_id in ('{id}', '{duplicate}') and type = 'intake.participant_registered.v1'") == 2,
            Patience, "insights should receive both registrations");
        Assert.True(await services.Insights.ScalarAsync("select participants from insights.participant_count") >= 1, "erasure takes nobody out of the counts");
        Assert.True(await services.Insights.ScalarAsync("select erased from insights.participant_count") >= 2);
        Assert.Empty(await Cleartext.FindAsync(services.Intake.DataSource, person.Values));
        Assert.Empty(await Cleartext.FindAsync(services.Insights.DataSource, person.Values));
    }

    [Fact]
    public async Task Given_no_participant_or_no_reason_When_erasing_Then_404_and_400()
    {
        using var advisor = services.Intake.ClientAs(Roles.Advisor);
        var id = await RegisterAsync(advisor, Person.New());

        await AssertProblemAsync(await advisor.PostAsJsonAsync($"/participants/{Guid.CreateVersion7()}/erasure", new { reason = "subjectRequest" }), HttpStatusCode.NotFound);
        var noReason = await advisor.PostAsJsonAsync($"/participants/{id}/erasure", new { });

        Assert.True((await AssertProblemAsync(noReason, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("reason", out _));
    }

    [Fact]
    public async Task Given_a_registered_participant_When_intake_forwards_it_Then_insights_counts_it_with_an_age_band_and_no_personal_data()
    {
        using var advisor = services.Intake.ClientAs(Roles.Advisor);
        var person = Person.New();
        var id = await RegisterAsync(advisor, person);

        await Eventually.TrueAsync(async () => await services.Insights.ScalarAsync(
            $"select count(*) from events.events where stream_id = '{id}' and type = 'intake.participant_registered.v1'") == 1, Patience, "insights should receive the registration");
        await using var connection = await services.Insights.DataSource.OpenConnectionAsync();
        await using var cmd = new NpgsqlCommand($"select data::text from events.events where stream_id = '{id}'", connection);
        var data = JsonDocument.Parse((string)(await cmd.ExecuteScalarAsync())!).RootElement;

        Assert.Equal(["ageBand", "municipality", "occurredAt", "participantId"], data.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Matches("^(18-24|25-34|35-44|45-54|55-64|65-plus)$", data.GetProperty("ageBand").GetString());
        Assert.True(await services.Insights.ScalarAsync("select participants from insights.participant_count") >= 1);
    }

    private static async Task<Guid> RegisterAsync(HttpClient client, Person person, bool confirmNewPerson = false)
    {
        var response = await client.PostAsJsonAsync("/participants", person.Body(confirmNewPerson));
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("participantId").GetGuid();
    }

    private static async Task<HttpResponseMessage> PostWithIfMatchAsync(HttpClient client, string path, object body, string etag)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.IfMatch.Add(EntityTagHeaderValue.Parse(etag));
        return await client.SendAsync(request);
    }

    private static IEnumerable<Guid> Duplicates(JsonElement problem) => problem.GetProperty("duplicates").EnumerateArray().Select(e => e.GetGuid());

    private async Task<long> EventsAsync() => await services.Intake.ScalarAsync("select count(*) from events.events");

    private async Task<long> ReadsRecordedAsync(Guid id) =>
        await services.Intake.ScalarAsync($"select count(*) from privacy.personal_data_reads where subject_id = '{id}'");

    /// <summary>Every text-like column of every table that holds one of the values in clear, as "schema.table.column".</summary>

    private static string Letters(int count) => string.Concat(Enumerable.Range(0, count).Select(_ => (char)('a' + Random.Shared.Next(26))));

    /// <summary>Eight random digits and the ninth that makes the eleven-test pass.</summary>
    private static string NewBsn()
    {
        while (true)
        {
            var digits = Enumerable.Range(0, 8).Select(_ => Random.Shared.Next(10)).ToArray();
            var check = digits.Select((d, i) => d * (9 - i)).Sum() % 11;
            if (check < 10 && digits[0] != 0)
            {
                return string.Concat(digits) + check;
            }
        }
    }

    private static string Error(JsonElement errors, string field) =>
        errors.TryGetProperty(field, out var messages) ? messages[0].GetString()! : $"no error for '{field}' in {errors}";

    private static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.True(problem.TryGetProperty("traceId", out _), "problem details carry a trace id");
        return problem;
    }
}
