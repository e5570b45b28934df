using WorkCentre.EmployerService;
using WorkCentre.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("employer-service");
builder.AddEmployerService();

var app = builder.Build();
app.MapServiceDefaults();
app.MapEmployerService();
app.Run();
