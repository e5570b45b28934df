namespace WorkCentre.Messaging;

/// <summary>
/// The broker named by <c>ConnectionStrings:RabbitMq</c>: <c>amqp://user:password@host[:port]/virtual-host</c>, or
/// <c>amqps://</c> for TLS (port 5671 unless given). Any other scheme is refused at start-up.
/// </summary>
public sealed record BrokerAddress(string Host, int Port, string VirtualHost, string UserName, string Password, bool UseTls)
{
    public const int AmqpPort = 5672;
    public const int AmqpsPort = 5671;

    // Messages never carry the address itself: it holds the password.
    public static BrokerAddress Parse(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException("ConnectionStrings:RabbitMq is not set.");
        }
        if (!Uri.TryCreate(connectionString, UriKind.Absolute, out var uri))
        {
            throw new InvalidOperationException("ConnectionStrings:RabbitMq is not an absolute URI like amqps://user:password@host/virtual-host.");
        }
        // amqps:// was once ignored and the credentials went out in plaintext to 5672.
        var tls = uri.Scheme switch
        {
            "amqp" => false,
            "amqps" => true,
            _ => throw new InvalidOperationException(
                $"ConnectionStrings:RabbitMq has the scheme '{uri.Scheme}'; use amqps:// (TLS) or amqp:// (plaintext, local only)."),
        };
        var credentials = Uri.UnescapeDataString(uri.UserInfo).Split(':', 2);
        var virtualHost = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        return new BrokerAddress(
            uri.Host,
            uri.Port > 0 ? uri.Port : tls ? AmqpsPort : AmqpPort,
            string.IsNullOrEmpty(virtualHost) ? "/" : virtualHost,
            credentials.ElementAtOrDefault(0) is { Length: > 0 } user ? user : "guest",
            credentials.ElementAtOrDefault(1) ?? "guest",
            tls);
    }

    public override string ToString() => $"{(UseTls ? "amqps" : "amqp")}://{Host}:{Port}/{VirtualHost}";
}
