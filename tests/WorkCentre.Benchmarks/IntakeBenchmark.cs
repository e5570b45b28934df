using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using WorkCentre.ServiceDefaults;

namespace WorkCentre.Benchmarks;

/// <summary>
/// The intake service over HTTP, as `./workcentre up` runs it with every service: inquiries registered per second by
/// 16 concurrent clients (against the same server's health endpoint as the HTTP floor), and handover requested →
/// visible to the receiving partner at a fixed rate. Last line: <c>inquiries_per_s=… inbox_p99_ms=…</c>.
/// </summary>
internal static class IntakeBenchmark
{
    // Many desks: the rate limit is per staff member (600 a minute), and one front door has many advisors.
    private const int Advisors = 400;

    private static readonly string[] ContactOnly = ["contact"];

    public static async Task RunAsync(string[] args)
    {
        var url = Text(args, "--url", "http://127.0.0.1:5101");
        var signingKey = Text(args, "--signing-key", DevelopmentAuth.SigningKey);
        var clients = Number(args, "--clients", 16);
        var seconds = Number(args, "--seconds", 10);
        var rate = Number(args, "--rate", 200);
        Console.WriteLine($"intake benchmark against {url}: {clients} clients for {seconds}s, handovers at {rate}/s for {seconds}s, " +
            $"{Environment.ProcessorCount} cores, load average {LoadAverage()}");

        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients * 2, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            BaseAddress = new Uri(url),
            Timeout = TimeSpan.FromSeconds(30),
        };
        var advisors = Enumerable.Range(0, Advisors).Select(i => Token(signingKey, $"bench-advisor-{i}", Roles.Advisor, "werkcentrum-zkij")).ToArray();
        var uwv = Enumerable.Range(0, Advisors).Select(i => Token(signingKey, $"bench-uwv-{i}", Roles.Partner, "uwv")).ToArray();

        Console.WriteLine("warm-up: 2 s of inquiries");
        await ClosedLoopAsync(http, clients, TimeSpan.FromSeconds(2), n => RegisterInquiryAsync(http, advisors[n % Advisors]));
        Console.WriteLine($"baseline: GET /health/live, {clients} clients, {seconds}s (the HTTP floor of the same server)");
        var floor = await ClosedLoopAsync(http, clients, TimeSpan.FromSeconds(seconds), _ => LiveAsync(http));
        Report("health/live", floor, seconds);
        Console.WriteLine($"inquiries: POST /inquiries, {clients} clients, {seconds}s");
        var inquiries = await ClosedLoopAsync(http, clients, TimeSpan.FromSeconds(seconds), n => RegisterInquiryAsync(http, advisors[n % Advisors]));
        Report("inquiries", inquiries, seconds);

        Console.WriteLine($"handovers: setting up 50 participants with consent for UWV");
        var (uwvId, wwIntake) = await UwvWwIntakeAsync(http, advisors[0]);
        var participants = new List<Guid>();
        for (var i = 0; i < 50; i++)
        {
            participants.Add(await ParticipantWithConsentAsync(http, advisors[i], uwvId));
        }
        Console.WriteLine($"handovers: requested at {rate}/s for {seconds}s, each timed until UWV sees it");
        var visible = await FixedRateAsync(rate, seconds, async n =>
        {
            var started = Stopwatch.GetTimestamp();
            var id = await RequestHandoverAsync(http, advisors[n % Advisors], participants[n % participants.Count], wwIntake);
            while (!await VisibleAsync(http, uwv[n % Advisors], id))
            {
                await Task.Yield();
            }
            return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        });
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"handover requested → visible to the partner: p50={Percentile(visible, 0.5):F1} ms p99={Percentile(visible, 0.99):F1} ms over {visible.Count} (target p99 ≤ 50 ms)"));

        var perSecond = inquiries.Count / (double)seconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"inquiries: {perSecond:F0}/s (target ≥ 1,000/s), {perSecond / (floor.Count / (double)seconds):F2} of the HTTP floor"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"inquiries_per_s={perSecond:F0} inquiries_p50_ms={Percentile(inquiries, 0.5):F1} inquiries_p99_ms={Percentile(inquiries, 0.99):F1} " +
            $"http_floor_per_s={floor.Count / (double)seconds:F0} inbox_p99_ms={Percentile(visible, 0.99):F1}"));
    }

    /// <summary>Each client sends its next request when the previous one answered; latencies in ms.</summary>
    private static async Task<List<double>> ClosedLoopAsync(HttpClient http, int clients, TimeSpan duration, Func<int, Task> request)
    {
        var latencies = new List<double>();
        var deadline = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var next = 0;
        var progress = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            var mine = new List<double>();
            while (Stopwatch.GetTimestamp() < deadline)
            {
                var started = Stopwatch.GetTimestamp();
                await request(Interlocked.Increment(ref next));
                mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (progress.Elapsed > TimeSpan.FromSeconds(2) && Monitor.TryEnter(progress))
                {
                    Console.WriteLine($"  … {Volatile.Read(ref next):N0} requests");
                    progress.Restart();
                    Monitor.Exit(progress);
                }
            }
            lock (latencies)
            {
                latencies.AddRange(mine);
            }
        }));
        return latencies;
    }

    /// <summary>Starts one operation every 1/rate seconds whether or not the earlier ones finished; their durations in ms.</summary>
    private static async Task<List<double>> FixedRateAsync(int rate, int seconds, Func<int, Task<double>> operation)
    {
        var interval = TimeSpan.FromSeconds(1.0 / rate);
        var clock = Stopwatch.StartNew();
        var running = new List<Task<double>>(rate * seconds);
        for (var i = 0; i < rate * seconds; i++)
        {
            var due = interval * i;
            if (clock.Elapsed < due)
            {
                await Task.Delay(due - clock.Elapsed);
            }
            running.Add(operation(i));
            if (i > 0 && i % (rate * 2) == 0)
            {
                Console.WriteLine($"  … {i:N0} handovers requested");
            }
        }
        return [.. await Task.WhenAll(running)];
    }

    private static async Task RegisterInquiryAsync(HttpClient http, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/inquiries")
        {
            Content = JsonContent.Create(new
            {
                channel = "walkIn",
                requesterType = "resident",
                domain = "working",
                municipality = "Haarlem",
                location = "Werkcentrum Haarlem",
                question = "Can I retrain for a job in care while I am still employed?",
            }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        Expect(response, HttpStatusCode.Created);
    }

    private static async Task LiveAsync(HttpClient http)
    {
        using var response = await http.GetAsync("/health/live");
        Expect(response, HttpStatusCode.OK);
    }

    /// <summary>UWV and its WW intake inbox, as the seeded directory lists them.</summary>
    private static async Task<(Guid Organisation, Guid Inbox)> UwvWwIntakeAsync(HttpClient http, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/organisations");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        Expect(response, HttpStatusCode.OK);
        var uwv = (await response.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray().Single(o => o.GetProperty("code").GetString() == "uwv");
        var inbox = uwv.GetProperty("inboxes").EnumerateArray().First(i => i.GetProperty("name").GetString()!.Contains("WW", StringComparison.Ordinal));
        return (uwv.GetProperty("organisationId").GetGuid(), inbox.GetProperty("inboxId").GetGuid());
    }

    private static async Task<Guid> ParticipantWithConsentAsync(HttpClient http, string token, Guid uwv)
    {
        var participant = await PostAsync(http, token, "/participants", new
        {
            givenName = "Bench",
            familyName = "Deelnemer",
            dateOfBirth = new DateOnly(1970, 1, 1).AddDays(Random.Shared.Next(0, 12_000)),
            postcode = "2011 AB",
            municipality = "Haarlem",
            identitySource = "selfDeclared",
            confirmNewPerson = true,
        });
        var participantId = participant.GetProperty("participantId").GetGuid();
        await PostAsync(http, token, "/consents", new
        {
            participantId,
            purpose = "handover",
            recipientOrganisationId = uwv,
            legalBasis = "consent",
            dataCategories = ContactOnly,
            collectionMethod = "written",
            expiresAt = DateTimeOffset.UtcNow.AddYears(1),
        });
        return participantId;
    }

    private static async Task<Guid> RequestHandoverAsync(HttpClient http, string token, Guid participantId, Guid inbox) =>
        (await PostAsync(http, token, "/handovers", new
        {
            participantId,
            toInboxId = inbox,
            reasonCode = "benefit",
            summary = new Dictionary<string, string> { ["contact"] = "Prefers a call in the morning." },
        })).GetProperty("handoverId").GetGuid();

    private static async Task<bool> VisibleAsync(HttpClient http, string token, Guid handoverId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/handovers/{handoverId}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        return response.StatusCode == HttpStatusCode.OK;
    }

    private static async Task<JsonElement> PostAsync(HttpClient http, string token, string path, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        Expect(response, HttpStatusCode.Created);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static void Expect(HttpResponseMessage response, HttpStatusCode status)
    {
        if (response.StatusCode != status)
        {
            throw new InvalidOperationException($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.AbsolutePath} answered {(int)response.StatusCode}, not {(int)status}.");
        }
    }

    private static string Token(string signingKey, string subject, string role, string organisation) =>
        DevelopmentAuth.CreateToken(subject, [role], organisation, TimeSpan.FromHours(1), signingKey);

    private static void Report(string what, List<double> latencies, int seconds) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {what}: {latencies.Count / (double)seconds:F0}/s p50={Percentile(latencies, 0.5):F1} ms p99={Percentile(latencies, 0.99):F1} ms"));

    private static double Percentile(List<double> values, double quantile)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }
        var sorted = values.Order().ToArray();
        return sorted[Math.Min(sorted.Length - 1, (int)(sorted.Length * quantile))];
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static string Text(string[] args, string name, string fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }

    private static int Number(string[] args, string name, int fallback) => int.Parse(Text(args, name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
}
