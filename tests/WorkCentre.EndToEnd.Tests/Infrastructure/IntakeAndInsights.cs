using System.Net.Http.Json;
using WorkCentre.Contracts.Intake;
using WorkCentre.Insights;
using WorkCentre.Insights.Inquiries.GettingInquirySummary;
using WorkCentre.Intake;
using WorkCentre.ServiceDefaults;
using WorkCentre.Testing;

namespace WorkCentre.EndToEnd.Tests.Infrastructure;

/// <summary>Intake and insights in one process over the real broker, each on its own database.</summary>
public class IntakeAndInsights : IAsyncLifetime
{
    private readonly TestDatabase _intakeDatabase = new();
    private readonly TestDatabase _insightsDatabase = new();

    public TestBroker Broker { get; } = new();
    public ServiceHost<IntakeEntryPoint> Intake { get; private set; } = null!;
    public ServiceHost<InsightsEntryPoint> Insights { get; private set; } = null!;

    protected virtual int SmallCellThreshold => 1;

    public async Task InitializeAsync()
    {
        await Task.WhenAll(Broker.InitializeAsync(), _intakeDatabase.InitializeAsync(), _insightsDatabase.InitializeAsync());
        Intake = new ServiceHost<IntakeEntryPoint>(_intakeDatabase, Broker);
        Insights = new ServiceHost<InsightsEntryPoint>(_insightsDatabase, Broker,
            settings: new Dictionary<string, string?> { ["Insights:SmallCellThreshold"] = SmallCellThreshold.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        // Insights' queues must be bound before intake publishes into a fresh virtual host.
        await Insights.WaitUntilReadyAsync();
        await Intake.WaitUntilReadyAsync();
    }

    public async Task DisposeAsync()
    {
        await Intake.DisposeAsync();
        await Insights.DisposeAsync();
        await Task.WhenAll(_intakeDatabase.DisposeAsync(), _insightsDatabase.DisposeAsync(), Broker.DisposeAsync());
    }

    public static object Inquiry(string municipality = "Hilversum", InquiryChannel channel = InquiryChannel.WalkIn, QuestionDomain domain = QuestionDomain.Working) => new
    {
        channel,
        requesterType = RequesterType.Resident,
        domain,
        municipality,
        location = "Town hall walk-in hour",
        question = "Can I retrain for a job in care while I am still employed?",
    };

    public async Task<InquirySummary> SummaryAsync()
    {
        using var manager = Insights.ClientAs(Roles.Manager);
        return (await manager.GetFromJsonAsync<InquirySummary>("/inquiries/summary", Json.Options))!;
    }
}

/// <summary>The same pair with the production threshold for small cells.</summary>
public sealed class IntakeAndInsightsWithSmallCells : IntakeAndInsights
{
    protected override int SmallCellThreshold => 5;
}

public static class Json
{
    public static readonly System.Text.Json.JsonSerializerOptions Options = new(System.Text.Json.JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };
}
