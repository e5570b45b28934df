using WorkCentre.Insights;
using WorkCentre.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("insights");
builder.AddInsights();

var app = builder.Build();
app.MapServiceDefaults();
app.MapInsights();
app.Run();
