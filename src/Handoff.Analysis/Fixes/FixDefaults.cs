namespace Handoff.Analysis.Fixes;

/// <summary>Values the fixers write where the finding does not decide them.</summary>
public static class FixDefaults
{
    /// <summary>minReadySeconds written by the HO203 fix: 10 s, the value seed 002 uses (the rule's remediation asks for 5-10 s).</summary>
    public const int MinReadySeconds = 10;

    /// <summary>maxSurge written with maxUnavailable 0: one extra pod at a time.</summary>
    public const int MaxSurge = 1;

    /// <summary>maxUnavailable of a new PodDisruptionBudget: one pod at a time.</summary>
    public const int PdbMaxUnavailable = 1;

    /// <summary>Rounds seconds up to the whole number the API takes.</summary>
    public static int WholeSeconds(double seconds) => (int)Math.Ceiling(seconds - 1e-9);
}
