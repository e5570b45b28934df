using System.ComponentModel;
using System.Diagnostics;
using Xunit.Sdk;

namespace WorkCentre.EndToEnd.Tests.Infrastructure;

/// <summary>Redocly CLI as pinned in tools/openapi-lint (installed there by <c>npm ci</c>, which ./workcentre test runs).</summary>
public static class Redocly
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    /// <summary>The checkout: the nearest folder above the test assembly that holds WorkCentre.sln.</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public static string ToolDirectory => Path.Combine(RepositoryRoot, "tools", "openapi-lint");

    /// <summary>Lints one OpenAPI document with tools/openapi-lint/redocly.yaml; exit code 0 means no errors.</summary>
    public static async Task<(int ExitCode, string Output)> LintAsync(string documentFile)
    {
        var cli = Path.Combine(ToolDirectory, "node_modules", "@redocly", "cli", "bin", "cli.js");
        if (!File.Exists(cli))
        {
            throw new XunitException($"Redocly CLI is not installed ({cli} is missing): run `npm ci` in tools/openapi-lint, as ./workcentre test does.");
        }
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = ToolDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { cli, "lint", "--config", Path.Combine(ToolDirectory, "redocly.yaml"), documentFile })
        {
            start.ArgumentList.Add(argument);
        }
        // Offline and plain: no usage reports, no update check, no colour codes in the test output.
        start.Environment["REDOCLY_TELEMETRY"] = "off";
        start.Environment["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true";
        start.Environment["NO_COLOR"] = "1";
        start.Environment["FORCE_COLOR"] = "0";

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (Win32Exception e)
        {
            throw new XunitException($"Node.js (node) is needed to run Redocly CLI and could not be started: {e.Message}");
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(Patience);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new XunitException($"redocly lint did not finish within {Patience.TotalMinutes} minutes.");
            }
            return (process.ExitCode, (await stdout) + (await stderr));
        }
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "WorkCentre.sln")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException($"No WorkCentre.sln above {AppContext.BaseDirectory}; the tests run from a checkout.");
    }
}
