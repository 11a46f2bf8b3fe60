namespace Handoff.AspNetCore.Tests;

public sealed class HandoffOptionsValidatorTests
{
    private static readonly HandoffOptionsValidator Validator = new();

    [Fact]
    public void Validate_Defaults_Succeeds()
    {
        Validator.Validate(null, new HandoffOptions()).Succeeded.ShouldBeTrue();
    }

    [Fact]
    public void Validate_SeveralProblems_ReportsEveryOneAtOnce()
    {
        var options = new HandoffOptions
        {
            DrainTimeoutSeconds = 0,
            PreStopPath = "handoff/prestop",
            Probes = { ReadinessPath = "/healthz/live", ReadinessCacheSeconds = -1 },
            ShutdownDelay = { Mode = ShutdownDelayMode.Adaptive, FloorSeconds = 40, CeilingSeconds = 30, QuietPeriodSeconds = double.NaN },
        };

        var result = Validator.Validate(null, options);

        result.Failed.ShouldBeTrue();
        result.Failures.ShouldNotBeNull();
        var failures = result.Failures.ToList();
        failures.Count.ShouldBe(6, string.Join(Environment.NewLine, failures));
        failures.ShouldContain(f => f.Contains("'Handoff:DrainTimeoutSeconds' must be a number of seconds greater than 0 (got 0)."));
        failures.ShouldContain(f => f.Contains("'Handoff:PreStopPath' must be a path that starts with '/'"));
        failures.ShouldContain(f => f.Contains("'Handoff:Probes:ReadinessPath', 'Handoff:Probes:LivenessPath' must differ"));
        failures.ShouldContain(f => f.Contains("'Handoff:Probes:ReadinessCacheSeconds' must be a number of seconds at least 0 (got -1)."));
        failures.ShouldContain(f => f.Contains("'Handoff:ShutdownDelay:FloorSeconds' (40 s) must not exceed 'Handoff:ShutdownDelay:CeilingSeconds' (30 s)."));
        failures.ShouldContain(f => f.Contains("'Handoff:ShutdownDelay:QuietPeriodSeconds'"));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void Validate_FixedDelayNotPositive_Fails(double seconds)
    {
        var options = new HandoffOptions { ShutdownDelay = { Mode = ShutdownDelayMode.Fixed, Seconds = seconds } };

        var result = Validator.Validate(null, options);

        result.Failures.ShouldHaveSingleItem().ShouldContain("'Handoff:ShutdownDelay:Seconds' must be a number of seconds greater than 0");
    }

    [Fact]
    public void Validate_LongLivedWindowAndRateNotPositive_FailWithTheirKeys()
    {
        var options = new HandoffOptions { LongLivedConnections = { CloseWindowSeconds = 0, MaxClosesPerSecond = -1 } };

        var failures = Validator.Validate(null, options).Failures.ShouldNotBeNull().ToList();

        failures.Count.ShouldBe(2, string.Join(Environment.NewLine, failures));
        failures.ShouldContain(f => f.Contains("'Handoff:LongLivedConnections:CloseWindowSeconds' must be a number of seconds greater than 0 (got 0)."));
        failures.ShouldContain(f => f.Contains("'Handoff:LongLivedConnections:MaxClosesPerSecond' must be a number of connections per second greater than 0 (got -1)."));
    }

    [Fact]
    public void CloseWindow_LongerThanHalfTheDrainTimeout_IsCutToThatHalf()
    {
        var options = new LongLivedConnectionOptions { CloseWindowSeconds = 10 };

        options.CloseWindowWithin(drainTimeoutSeconds: 8).ShouldBe(TimeSpan.FromSeconds(4));
        options.CloseWindowWithin(drainTimeoutSeconds: 30).ShouldBe(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void Validate_UndefinedMode_Fails()
    {
        var options = new HandoffOptions { ShutdownDelay = { Mode = (ShutdownDelayMode)7 } };

        Validator.Validate(null, options).Failures.ShouldHaveSingleItem().ShouldContain("'Handoff:ShutdownDelay:Mode' must be None, Fixed or Adaptive");
    }

    [Fact]
    public void Validate_AdaptiveQuietLongerThanCeiling_Fails()
    {
        var options = new HandoffOptions
        {
            ShutdownDelay = { Mode = ShutdownDelayMode.Adaptive, FloorSeconds = 1, CeilingSeconds = 3, QuietPeriodSeconds = 4 },
        };

        Validator.Validate(null, options).Failures.ShouldHaveSingleItem()
            .ShouldBe("'Handoff:ShutdownDelay:QuietPeriodSeconds' (4 s) must not exceed 'Handoff:ShutdownDelay:CeilingSeconds' (3 s).");
    }
}
