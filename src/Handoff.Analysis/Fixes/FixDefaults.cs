namespace Handoff.Analysis.Fixes;

/// <summary>Values the fixers write where the violation does not decide them (what a rule requires is on its violation).</summary>
public static class FixDefaults
{
    /// <summary>maxSurge written with maxUnavailable 0: one extra pod at a time.</summary>
    public const int MaxSurge = 1;
}
