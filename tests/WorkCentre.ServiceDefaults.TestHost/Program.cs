using WorkCentre.ServiceDefaults;
using WorkCentre.ServiceDefaults.TestHost;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("testhost");
builder.Services.AddSingleton<ThingLedger>();
builder.Services.AddSingleton<ReadinessSwitch>();
builder.Services.AddHealthChecks().AddCheck<ReadinessSwitch>("database", tags: [HealthTags.Ready]);

var app = builder.Build();
app.MapServiceDefaults();
app.MapThings();
app.Run();

public partial class Program;
