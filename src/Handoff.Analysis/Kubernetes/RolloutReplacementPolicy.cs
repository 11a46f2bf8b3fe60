namespace Handoff.Analysis.Kubernetes;

/// <summary>When the Deployment controller creates a replacement for a terminating pod.</summary>
public enum ReplacementPolicy
{
    /// <summary>At once: terminating pods count neither toward availability nor toward maxSurge (the behaviour of every release so far; TerminationStarted in KEP-3973 and KEP-5882).</summary>
    TerminationStarted,

    /// <summary>Only once terminating pods are gone: they count toward maxSurge (TerminationComplete: proposed in KEP-3973, opt-in via KEP-5882's DeploymentPodReplacementPolicy gate, alpha targeted at 1.36).</summary>
    TerminationComplete,
}
