using WorkCentre.Trajectory;
using WorkCentre.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("trajectory");
builder.AddTrajectory();

var app = builder.Build();
app.MapServiceDefaults();
app.MapTrajectory();
app.Run();

public partial class Program;
