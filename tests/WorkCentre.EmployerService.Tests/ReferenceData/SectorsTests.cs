using WorkCentre.ReferenceData;

namespace WorkCentre.EmployerService.Tests.ReferenceData;

public sealed class SectorsTests
{
    [Fact]
    public void The_model_region_focuses_on_care_education_and_technology_from_2023_to_2027()
    {
        foreach (var year in Enumerable.Range(2023, 5))
        {
            Assert.Equal(["care-welfare", "education", "technology"], Sectors.Shipped.FocusSectors("ZKIJ", year));
        }
        Assert.Empty(Sectors.Shipped.FocusSectors("ZKIJ", 2028));
    }

    [Fact]
    public void Logistics_is_a_known_sector_but_not_a_focus_sector()
    {
        Assert.True(Sectors.Shipped.IsKnown("logistics"));
        Assert.False(Sectors.Shipped.IsFocus("ZKIJ", 2025, "logistics"));
        Assert.True(Sectors.Shipped.IsFocus("ZKIJ", 2025, "care-welfare"));
    }

    [Fact]
    public void A_sector_name_with_a_comma_reads_whole()
    {
        Assert.Equal("Culture, sport and recreation", Sectors.Shipped.Find("culture-recreation")?.Name);
    }
}
