using WorkCentre.Intake;
using WorkCentre.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("intake");
builder.AddIntake();

var app = builder.Build();
app.MapServiceDefaults();
app.MapIntake();
app.Run();
