using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Handoff.Rollout.Tests.Support;

/// <summary>The test app as a real process on a free loopback port; disposing kills it.</summary>
internal sealed class TestApp : IAsyncDisposable
{
    private readonly Process _process;

    private TestApp(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public int Pid => _process.Id;

    public Uri Url => new($"http://127.0.0.1:{Port}/");

    public static async Task<TestApp> StartAsync(string pod)
    {
        int port;
        using (var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            port = ((IPEndPoint)probe.LocalEndPoint!).Port;
        }

        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(TestPaths.TestApp);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        start.Environment["HANDOFF_POD_NAME"] = pod;
        var process = Process.Start(start)!;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var app = new TestApp(process, port);
        var waited = Stopwatch.StartNew();
        using var http = new HttpClient();
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
    }
}
