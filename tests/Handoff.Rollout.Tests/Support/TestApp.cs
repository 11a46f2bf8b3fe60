using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Handoff.Rollout.Tests.Support;

/// <summary>The test app as a real process on a free loopback port; disposing kills it.</summary>
internal sealed class TestApp : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string? _certificateFile;
    private readonly ConcurrentQueue<string> _output = new();

    private TestApp(Process process, int port, string scheme, string? certificateFile)
    {
        _process = process;
        Port = port;
        Url = new Uri($"{scheme}://127.0.0.1:{port}/");
        _certificateFile = certificateFile;
    }

    public int Port { get; }

    public int Pid => _process.Id;

    public Uri Url { get; }

    /// <summary>The lines the app wrote to stdout so far (all of them once it has exited and been awaited).</summary>
    public IReadOnlyList<string> Output => [.. _output];

    /// <summary>Completes when the process has exited and its output is read to the end.</summary>
    public Task Exited => _process.WaitForExitAsync();

    /// <summary>Sends SIGKILL (.NET's Process.Kill on Linux): no handler runs, the kernel closes its sockets.</summary>
    public void Kill() => _process.Kill();

    /// <summary>A free loopback port, for apps that should share one (TESTAPP_REUSE_PORT).</summary>
    public static int FreePort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    /// <summary>Starts the app; with <paramref name="https"/>, Kestrel serves TLS with a self-signed certificate made for this run.</summary>
    /// <param name="pod">The pod name it sends back as X-Backend.</param>
    /// <param name="https">Serve TLS.</param>
    /// <param name="port">The port (default: a free one).</param>
    /// <param name="environment">Extra environment (the TESTAPP_* switches).</param>
    public static async Task<TestApp> StartAsync(string pod, bool https = false, int? port = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var listenPort = port ?? FreePort();

        var scheme = https ? "https" : "http";
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(TestPaths.TestApp);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"{scheme}://127.0.0.1:{listenPort}");
        start.Environment["HANDOFF_POD_NAME"] = pod;
        foreach (var (key, value) in environment ?? new Dictionary<string, string>(StringComparer.Ordinal))
        {
            start.Environment[key] = value;
        }

        string? certificateFile = null;
        if (https)
        {
            certificateFile = SelfSignedCertificate();
            start.Environment["Kestrel__Certificates__Default__Path"] = certificateFile;
        }

        var process = Process.Start(start)!;
        var app = new TestApp(process, listenPort, scheme, certificateFile);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                app._output.Enqueue(line);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var waited = Stopwatch.StartNew();

        // The readiness poll trusts the certificate it made; the code under test gets no such favour.
#pragma warning disable CA5359, MA0039 // Certificate validation off: this is the test's own self-signed certificate.
        using var http = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = static (_, _, _, _) => true });
#pragma warning restore CA5359, MA0039
        while (waited.Elapsed < TimeSpan.FromSeconds(20))
        {
            try
            {
                // A new connection per poll: on a shared port the kernel picks a listener per connection.
                using var poll = new HttpRequestMessage(HttpMethod.Get, new Uri(app.Url, "/healthz/ready"));
                poll.Headers.ConnectionClose = true;
                using var response = await http.SendAsync(poll);
                // The pod's own answer: on a shared port (TESTAPP_REUSE_PORT) another process may answer first.
                if (response.IsSuccessStatusCode && response.Headers.TryGetValues("X-Backend", out var backend) && backend.Contains(pod, StringComparer.Ordinal))
                {
                    return app;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(50);
        }

        await app.DisposeAsync();
        throw new TimeoutException("The test app did not start within 20 s.");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
        if (_certificateFile is not null)
        {
            File.Delete(_certificateFile);
        }
    }

    /// <summary>A PFX (no password) for CN=127.0.0.1, valid for a day, in a temp file.</summary>
    private static string SelfSignedCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(TimeProvider.System.GetUtcNow().AddMinutes(-5), TimeProvider.System.GetUtcNow().AddDays(1));
        var path = Path.Combine(Path.GetTempPath(), $"handoff-testapp-{Guid.NewGuid():N}.pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx));
        return path;
    }
}
