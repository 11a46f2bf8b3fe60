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

    /// <summary>Starts the app; with <paramref name="https"/>, Kestrel serves TLS with a self-signed certificate made for this run.</summary>
    public static async Task<TestApp> StartAsync(string pod, bool https = false)
    {
        int port;
        using (var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            port = ((IPEndPoint)probe.LocalEndPoint!).Port;
        }

        var scheme = https ? "https" : "http";
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(TestPaths.TestApp);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"{scheme}://127.0.0.1:{port}");
        start.Environment["HANDOFF_POD_NAME"] = pod;
        string? certificateFile = null;
        if (https)
        {
            certificateFile = SelfSignedCertificate();
            start.Environment["Kestrel__Certificates__Default__Path"] = certificateFile;
        }

        var process = Process.Start(start)!;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var app = new TestApp(process, port, scheme, certificateFile);
        var waited = Stopwatch.StartNew();

        // The readiness poll trusts the certificate it made; the code under test gets no such favour.
#pragma warning disable CA5359, MA0039 // Certificate validation off: this is the test's own self-signed certificate.
        using var http = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = static (_, _, _, _) => true });
#pragma warning restore CA5359, MA0039
        while (waited.Elapsed < TimeSpan.FromSeconds(20))
        {
            try
            {
                using var response = await http.GetAsync(new Uri(app.Url, "/healthz/ready"));
                if (response.IsSuccessStatusCode)
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
