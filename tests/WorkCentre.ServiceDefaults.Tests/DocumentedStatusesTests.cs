using System.Net;
using WorkCentre.ServiceDefaults.Tests.Infrastructure;
using WorkCentre.Testing;
using Xunit.Sdk;

namespace WorkCentre.ServiceDefaults.Tests;

/// <summary>The check every test client runs: a status the OpenAPI document does not declare fails the test.</summary>
public sealed class DocumentedStatusesTests(TestApi api) : IClassFixture<TestApi>
{
    [Fact]
    public async Task Given_the_hosts_document_When_an_operation_answers_a_status_it_does_not_declare_Then_the_request_fails_the_test()
    {
        using var client = await ClientAnsweringAsync(HttpStatusCode.Conflict);

        var failure = await Assert.ThrowsAsync<XunitException>(() => client.GetAsync("/things/report"));

        Assert.Contains("GET /things/report answered 409", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_a_path_parameter_When_an_undeclared_status_comes_back_Then_the_failure_names_the_template()
    {
        using var client = await ClientAnsweringAsync(HttpStatusCode.Created);

        var failure = await Assert.ThrowsAsync<XunitException>(() => client.GetAsync($"/things/{Guid.NewGuid()}"));

        Assert.Contains("GET /things/{id}", failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GET", "/things/report", HttpStatusCode.OK)]
    [InlineData("GET", "/things/report", HttpStatusCode.TooManyRequests)]
    [InlineData("POST", "/things", HttpStatusCode.UnprocessableEntity)]
    [InlineData("GET", "/health/ready", HttpStatusCode.ServiceUnavailable)]
    [InlineData("DELETE", "/things", HttpStatusCode.MethodNotAllowed)]
    [InlineData("GET", "/nowhere", HttpStatusCode.NotFound)]
    public async Task Given_a_declared_status_or_a_path_the_document_does_not_describe_When_it_comes_back_Then_the_request_passes(
        string method, string path, HttpStatusCode status)
    {
        using var client = await ClientAnsweringAsync(status);

        var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.Equal(status, response.StatusCode);
    }

    [Fact]
    public void Given_a_literal_and_a_parameter_template_When_both_match_Then_the_literal_one_is_the_operation()
    {
        var operations = OpenApiOperations.Parse("""
            {"paths": {
              "/things/{id}": {"get": {"responses": {"200": {}}}},
              "/things/report": {"get": {"responses": {"200": {}, "4XX": {}}}},
              "/things/{id}/notes": {"post": {"responses": {"default": {}}}}}}
            """);

        Assert.Equal("/things/report", operations.Find("GET", "/things/Report")?.Template);
        Assert.True(operations.Find("GET", "/things/report")!.Documents(418));
        Assert.False(operations.Find("GET", "/things/42")!.Documents(404));
        Assert.True(operations.Find("POST", "/things/42/notes")!.Documents(500));
        Assert.Null(operations.Find("POST", "/things/42"));
    }

    /// <summary>A checked client over the host's real document whose "server" answers every request with one status.</summary>
    private async Task<HttpClient> ClientAnsweringAsync(HttpStatusCode status)
    {
        var document = await api.Host.CreateClient().GetStringAsync(OpenApiOperations.DocumentPath);
        var operations = OpenApiOperations.Parse(document);
        return new HttpClient(new DocumentedStatuses(() => Task.FromResult(operations)) { InnerHandler = new Answering(status) })
        {
            BaseAddress = new Uri("http://localhost"),
        };
    }

    private sealed class Answering(HttpStatusCode status) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(status) { RequestMessage = request });
    }
}
