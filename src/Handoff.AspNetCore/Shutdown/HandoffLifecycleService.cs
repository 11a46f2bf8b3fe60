using System.Runtime.InteropServices;
using Handoff.AspNetCore.Diagnostics;
using Handoff.AspNetCore.Probes;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Handoff.AspNetCore.Shutdown;

/// <summary>Hooks the shutdown sequence into the generic host.</summary>
/// <remarks>
/// The host stops in this order: every <see cref="IHostedLifecycleService.StoppingAsync"/>, then
/// <c>ApplicationStopping</c>, then every <see cref="IHostedService.StopAsync"/>, where the web host stops Kestrel.
/// Waiting for the delay in <see cref="StoppingAsync"/> therefore keeps Kestrel accepting until the delay is
/// over, without blocking a thread inside an <c>ApplicationStopping</c> callback.
/// </remarks>
internal sealed class HandoffLifecycleService : IHostedLifecycleService, IDisposable
{
    private readonly ShutdownCoordinator _coordinator;
    private readonly ProbeState _probes;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly HandoffOptions _options;
    private readonly ILogger _logger;
    private readonly ShutdownTimeoutAdjustment _adjustment;
    private readonly List<IDisposable> _registrations = [];
    private int _signals;

    public HandoffLifecycleService(
        ShutdownCoordinator coordinator,
        ProbeState probes,
        IHostApplicationLifetime lifetime,
        IOptions<HandoffOptions> options,
        ShutdownTimeoutAdjustment adjustment,
        ILogger<HandoffLifecycleService> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _coordinator = coordinator;
        _probes = probes;
        _lifetime = lifetime;
        _options = options.Value;
        _logger = logger;
        _adjustment = adjustment;
    }

    public Task StartingAsync(CancellationToken cancellationToken)
    {
        if (_adjustment is { From: { } from, To: { } to })
        {
            Log.ShutdownTimeoutRaised(_logger, from.TotalSeconds, to.TotalSeconds);
        }

        if (_options.HandleSignals)
        {
            Register(PosixSignal.SIGTERM);
            Register(PosixSignal.SIGINT);
        }

        _registrations.Add(_lifetime.ApplicationStarted.Register(_probes.MarkStarted));
        _registrations.Add(_lifetime.ApplicationStopping.Register(() => _coordinator.Begin("application stopping")));
        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        _coordinator.Begin("host stopping");
        try
        {
            await _coordinator.DelayOver.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The host's own timeout fired; the drain still has to be armed so requests are counted.
            _coordinator.EndDelay();
        }

        _coordinator.BeginDrain();
        try
        {
            // Kestrel keeps accepting meanwhile (readiness has failed for the whole delay): only apps with open
            // SignalR hub connections wait here, at most until the last close turn and a second.
            await _coordinator.WaitForHubConnectionsAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The host's own timeout fired: SignalR disposes what is left.
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken)
    {
        _coordinator.CompleteDrain();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        _registrations.Clear();
    }

    private void Register(PosixSignal signal)
    {
        try
        {
            _registrations.Add(PosixSignalRegistration.Create(signal, OnSignal));
        }
        catch (Exception ex) when (ex is PlatformNotSupportedException or IOException)
        {
            Log.SignalHandlingUnavailable(_logger, signal.ToString());
        }
    }

    private void OnSignal(PosixSignalContext context)
    {
        // The host's ConsoleLifetime also handles these signals and calls StopApplication; both handlers run.
        // Cancelling keeps the default action (terminate the process) from running.
        context.Cancel = true;
        var name = context.Signal.ToString();
        if (Interlocked.Increment(ref _signals) == 1)
        {
            _coordinator.Begin(name);
            _lifetime.StopApplication();
        }
        else
        {
            Log.SecondSignal(_logger, name);
            _coordinator.EndDelay();
        }
    }
}
