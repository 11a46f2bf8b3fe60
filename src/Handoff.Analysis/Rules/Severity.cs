namespace Handoff.Analysis.Rules;

/// <summary>How bad a finding is; --fail-on compares against it.</summary>
public enum Severity
{
    /// <summary>Worth knowing; no request is lost because of it alone.</summary>
    Info = 0,

    /// <summary>Loses requests or availability in some conditions.</summary>
    Warning = 1,

    /// <summary>Loses requests on every rollout, drain or scale-in.</summary>
    Error = 2,
}
