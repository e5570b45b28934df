using System.Diagnostics.Metrics;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Polly;
using WorkCentre.EventStore;
using WorkCentre.EventStore.Daemon;
using WorkCentre.EventStore.Projections;
using WorkCentre.Privacy;

namespace WorkCentre.Messaging;

/// <summary>
/// Wires a service onto the platform: its database (<c>ConnectionStrings:Events</c>), event store with personal-data
/// protection, daemon with projections and the broker forwarder, MassTransit on RabbitMQ
/// (<c>ConnectionStrings:RabbitMq</c>), inbox, outbox relay, timers and readiness checks.
/// </summary>
public static class EventSourcingHost
{
    public const string ReadyTag = "ready";

    public static WebApplicationBuilder AddEventSourcing(this WebApplicationBuilder builder, EventSourcingSetup setup)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;
        var development = builder.Environment.IsDevelopment() || builder.Environment.IsEnvironment("Testing");

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(_ => NpgsqlDataSource.Create(configuration.GetConnectionString("Events")
            ?? throw new InvalidOperationException("ConnectionStrings:Events is not set; it names this service's own database.")));
        services.AddSingleton(_ => new PrivacyOptions
        {
            MasterKey = configuration["Privacy:MasterKey"] ?? (development ? PrivacyOptions.DevelopmentMasterKey : null),
        }.RefuseDevelopmentKey(development, builder.Environment.EnvironmentName));
        services.AddSingleton(sp => new PersonalDataProtector(sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<PrivacyOptions>()));
        // Every read of personal data by staff is recorded; the duplicate-detection hashes use keys derived from the master key.
        services.AddSingleton(sp => new PersonalDataReads(sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<PrivacyOptions>()));
        services.AddSingleton(sp => new BlindIndex(sp.GetRequiredService<PrivacyOptions>()));
        foreach (var projection in setup.InlineProjections.Concat(setup.AsyncProjections))
        {
            services.AddSingleton(projection);
        }
        services.AddSingleton(sp =>
        {
            var types = new EventTypeRegistry();
            setup.Events(types);
            return new EventStore.EventStore(new EventStoreOptions
            {
                DataSource = sp.GetRequiredService<NpgsqlDataSource>(),
                Types = types,
                Protector = sp.GetRequiredService<PersonalDataProtector>(),
                InlineProjections = setup.InlineProjections.Select(t => (IProjection)sp.GetRequiredService(t)).ToList(),
                Time = sp.GetRequiredService<TimeProvider>(),
            });
        });

        // Registered first: hosted services start in order, and everything after needs the schema.
        services.AddHostedService(sp => new PlatformSchema(sp, setup));

        if (setup.IntegrationEvents is not null)
        {
            services.AddSingleton(typeof(IIntegrationEventMapper), setup.IntegrationEvents);
        }
        services.AddMassTransit(bus =>
        {
            bus.SetEndpointNameFormatter(new KebabCaseEndpointNameFormatter(setup.ServiceName, false));
            foreach (var consumer in setup.Consumers)
            {
                bus.AddConsumer(consumer, ConsumerConventions.DefinitionFor(consumer));
            }
            bus.ConfigureHealthCheckOptions(health =>
            {
                health.Name = "broker";
                health.Tags.Add(ReadyTag);
            });
            // MassTransit posts usage telemetry to its vendor after start-up unless told not to; we send nothing unasked.
            bus.DisableUsageTelemetry();
            bus.UsingRabbitMq((context, rabbit) =>
            {
                var broker = Broker(configuration);
                rabbit.Host(broker.Host, (ushort)broker.Port, broker.VirtualHost, host =>
                {
                    host.Username(broker.UserName);
                    host.Password(broker.Password);
                    if (broker.UseTls)
                    {
                        host.UseSsl(tls =>
                        {
                            tls.ServerName = broker.Host;
                            tls.Protocol = SslProtocols.Tls12 | SslProtocols.Tls13;
                            // MassTransit accepts an untrusted certificate chain by default; the broker must prove who it is.
                            tls.EnforcePolicyErrors(SslPolicyErrors.RemoteCertificateChainErrors | SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable);
                        });
                    }
                });
                rabbit.ConfigureJsonSerializerOptions(MessagingJson.Configure);
                rabbit.ConfigureEndpoints(context);
            });
        });

        services.AddSingleton(sp =>
        {
            var subscriptions = new List<ISubscription>();
            if (setup.IntegrationEvents is not null)
            {
                subscriptions.Add(new EventForwarder(sp.GetRequiredService<IBus>(), sp.GetRequiredService<IIntegrationEventMapper>(),
                    setup.ServiceName, sp.GetRequiredService<ILogger<EventForwarder>>()));
            }
            var daemon = new ProjectionDaemon(
                sp.GetRequiredService<EventStore.EventStore>(),
                setup.AsyncProjections.Select(t => (IProjection)sp.GetRequiredService(t)),
                subscriptions,
                setup.Daemon,
                sp.GetRequiredService<ILogger<ProjectionDaemon>>());
            if (setup.IntegrationEvents is not null)
            {
                MessagingMetrics.ObserveForwarder(sp.GetRequiredService<IMeterFactory>(), daemon, sp.GetRequiredService<NpgsqlDataSource>());
            }
            return daemon;
        });
        services.AddHostedService(sp => sp.GetRequiredService<ProjectionDaemon>());
        services.AddHostedService<OutboxRelay>();
        foreach (var handler in setup.TimerHandlers)
        {
            services.AddSingleton(typeof(ITimerHandler), handler);
        }
        services.AddHostedService<TimerPoller>();
        services.AddHostedService<MessagingHousekeeping>();

        services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", tags: [ReadyTag])
            .AddCheck<DaemonHealthCheck>("daemon", tags: [ReadyTag]);
        return builder;
    }

    private static BrokerAddress Broker(IConfiguration configuration) => BrokerAddress.Parse(configuration.GetConnectionString("RabbitMq"));

    /// <summary>Waits for the database and broker (they may still be starting) and creates every schema the service uses.</summary>
    private sealed class PlatformSchema(IServiceProvider services, EventSourcingSetup setup) : IHostedService
    {
        private static readonly ResiliencePipeline WaitForInfrastructure = new ResiliencePipelineBuilder()
            .AddRetry(new Polly.Retry.RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<NpgsqlException>().Handle<SocketException>(),
                MaxRetryAttempts = 30,
                Delay = TimeSpan.FromSeconds(1),
            })
            .Build();

        public async Task StartAsync(CancellationToken cancellationToken)
        {
            // A broker address we cannot honour stops the service before it touches anything.
            var broker = Broker(services.GetRequiredService<IConfiguration>());
            var dataSource = services.GetRequiredService<NpgsqlDataSource>();
            var logger = services.GetRequiredService<ILogger<EventSourcingSetup>>();
            await WaitForInfrastructure.ExecuteAsync(async ct =>
            {
                await services.GetRequiredService<EventStore.EventStore>().ApplySchemaAsync(ct);
                await services.GetRequiredService<PersonalDataProtector>().Keys.ApplySchemaAsync(ct);
                await services.GetRequiredService<PersonalDataReads>().ApplySchemaAsync(ct);
                await MessagingSchema.ApplyAsync(dataSource, ct);
                foreach (var owner in setup.InlineProjections.Concat(setup.AsyncProjections)
                             .Select(services.GetRequiredService).OfType<IReadModelSchema>())
                {
                    await owner.ApplyAsync(dataSource, ct);
                }
            }, cancellationToken);
            logger.LogInformation("{Service} schema is in place", setup.ServiceName);
            // MassTransit reconnects by itself later on; at start-up we rather wait than log a storm of failures.
            await WaitForInfrastructure.ExecuteAsync(async ct =>
            {
                using var tcp = new TcpClient();
                await tcp.ConnectAsync(broker.Host, broker.Port, ct);
            }, cancellationToken);
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private sealed class DatabaseHealthCheck(NpgsqlDataSource dataSource) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
                await using var cmd = new NpgsqlCommand("select 1", connection);
                await cmd.ExecuteScalarAsync(cancellationToken);
                return HealthCheckResult.Healthy();
            }
            catch (Exception ex) when (ex is NpgsqlException or SocketException or TimeoutException)
            {
                return HealthCheckResult.Unhealthy("database unreachable");
            }
        }
    }

    /// <summary>The daemon's own verdict: unhealthy for a paused shard or a subscription blocked before an event it cannot read.</summary>
    private sealed class DaemonHealthCheck(ProjectionDaemon daemon) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            var health = daemon.CheckHealth();
            var status = health.Status switch
            {
                DaemonHealthStatus.Healthy => HealthStatus.Healthy,
                DaemonHealthStatus.Degraded => HealthStatus.Degraded,
                _ => HealthStatus.Unhealthy,
            };
            return Task.FromResult(new HealthCheckResult(status, health.Description, data: health.Data));
        }
    }
}
