using WorkCentre.Matching;
using WorkCentre.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("matching");
builder.AddMatching();

var app = builder.Build();
app.MapServiceDefaults();
app.MapMatching();
app.Run();
