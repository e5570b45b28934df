using WorkCentre.ServiceDefaults;
using WorkCentre.Trajectory;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("trajectory");
builder.AddTrajectory();

var app = builder.Build();
app.MapServiceDefaults();
app.MapTrajectory();
app.Run();
