using Npgsql;
using WorkCentre.Contracts.Intake;
using WorkCentre.ServiceDefaults;

namespace WorkCentre.Insights.Inquiries.GettingInquirySummary;

public sealed record InquirySummaryCell(InquiryChannel Channel, QuestionDomain Domain, long? Inquiries, bool Suppressed);

public sealed record InquirySummary(long Total, int SmallCellThreshold, IReadOnlyList<InquirySummaryCell> Cells);

public static class GetInquirySummaryEndpoint
{
    public static RouteHandlerBuilder MapGetInquirySummary(this RouteGroupBuilder group) =>
        group.MapGet("/summary", HandleAsync)
            .RequireAuthorization(Policies.Manager)
            .WithName("GetInquirySummary")
            .WithSummary("Inquiries per channel and question domain; cells under the threshold are suppressed.");

    private static async Task<InquirySummary> HandleAsync(NpgsqlDataSource dataSource, SmallCells smallCells, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand($"select channel, domain, inquiries from {InquirySummaryProjection.Table} order by channel, domain", connection);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var cells = new List<InquirySummaryCell>();
        long total = 0;
        while (await reader.ReadAsync(ct))
        {
            var count = reader.GetInt64(2);
            total += count;
            var shown = smallCells.Show(count);
            cells.Add(new InquirySummaryCell(Enum.Parse<InquiryChannel>(reader.GetString(0)), Enum.Parse<QuestionDomain>(reader.GetString(1)), shown, shown is null));
        }
        return new InquirySummary(total, smallCells.Threshold, cells);
    }
}
