namespace Handoff.Analysis.Kubernetes;

/// <summary>What the Deployment controller reads from a Deployment to roll it out.</summary>
/// <param name="Replicas">spec.replicas.</param>
/// <param name="Fenceposts">maxSurge and maxUnavailable resolved by <see cref="RollingUpdateFenceposts.Resolve"/> (ignored for Recreate).</param>
/// <param name="MinReady">spec.minReadySeconds: how long a Ready pod waits before it counts as available.</param>
/// <param name="Recreate">Whether the strategy is Recreate.</param>
/// <param name="Policy">When a terminating pod's replacement may be created.</param>
public sealed record RollingUpdateSpec(int Replicas, RollingUpdateFenceposts Fenceposts, TimeSpan MinReady, bool Recreate = false, ReplacementPolicy Policy = ReplacementPolicy.TerminationStarted);
