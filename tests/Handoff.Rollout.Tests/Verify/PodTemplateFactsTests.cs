using System.Text.Json;
using Handoff.Rollout.Cluster;
using Handoff.Rollout.Verify;
using Handoff.Rollout.Testing;

namespace Handoff.Rollout.Tests.Verify;

public class PodTemplateFactsTests
{
    [Theory]
    [InlineData("""{"sleep":{"seconds":15}}""", 15.0, "sleep action")]
    [InlineData("""{"exec":{"command":["sleep","20"]}}""", 20.0, "exec sleep")]
    [InlineData("""{"exec":{"command":["/bin/sh","-c","sleep 5 && nginx -s quit"]}}""", 5.0, "exec sleep")]
    [InlineData("""{"exec":{"command":["/bin/sh","-c","nginx -s quit"]}}""", 0.0, "exec (returns at once)")]
    [InlineData("""{"exec":{"command":["/bin/sh","-c","nginx -s quit; while killall -0 nginx; do sleep 1; done"]}}""", null, "exec (duration unknown)")]
    [InlineData("""{"exec":{"command":["sh","-c","sleep 1m"]}}""", 60.0, "exec sleep")]
    [InlineData("""{"httpGet":{"path":"/prestop","port":8080}}""", null, "httpGet (duration unknown)")]
    public void Read_PreStopHandler_GivesItsDuration(string preStop, double? seconds, string source)
    {
        var facts = Read("""{"spec":{"terminationGracePeriodSeconds":60,"containers":[{"name":"app","lifecycle":{"preStop":""" + preStop + "}}]}}");

        facts.ShouldBe(new PodTemplateFacts(60, seconds, source));
    }

    [Fact]
    public void Read_NoPreStopNoGrace_IsZeroAndTheApiDefault()
        => Read("""{"spec":{"containers":[{"name":"app"}]}}""").ShouldBe(new PodTemplateFacts(30, 0, "none"));

    [Fact]
    public void Read_HttpGetWithDeclaredDuration_UsesTheAnnotation()
        => Read("""{"metadata":{"annotations":{"handoff.dev/prestop-seconds":"25"}},"spec":{"containers":[{"name":"app","lifecycle":{"preStop":{"httpGet":{"path":"/drain","port":80}}}}]}}""")
            .ShouldBe(new PodTemplateFacts(30, 25, "annotation handoff.dev/prestop-seconds"));

    [Fact]
    public void ToLabelSelector_MatchLabelsAndExpressions_IsKubectlSyntax()
    {
        using var document = JsonDocument.Parse("""
            {"matchLabels":{"tier":"web","app":"shop"},"matchExpressions":[
              {"key":"track","operator":"In","values":["stable","canary"]},
              {"key":"legacy","operator":"DoesNotExist"},
              {"key":"zone","operator":"NotIn","values":["b"]},
              {"key":"team","operator":"Exists"}]}
            """);

        DeploymentInfo.ToLabelSelector(document.RootElement)
            .ShouldBe("app=shop,tier=web,track in (stable,canary),!legacy,zone notin (b),team");
    }

    private static PodTemplateFacts Read(string json)
    {
        using var document = JsonDocument.Parse(json);
        return PodTemplateFacts.Read(document.RootElement);
    }
}
