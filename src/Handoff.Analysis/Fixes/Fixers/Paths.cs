using Handoff.Analysis.Model;
using Handoff.Analysis.Yaml;

namespace Handoff.Analysis.Fixes.Fixers;

/// <summary>Finds the mappings a fix edits by walking from the object, refusing aliases on the way.</summary>
internal static class Paths
{
    /// <summary>The pod spec mapping (spec for a Pod, spec.template.spec otherwise), or null when an alias or odd shape is in the way.</summary>
    public static YMap? PodSpec(Workload workload)
    {
        var spec = FixContext.MapAt(workload.Object.Node, "spec");
        if (workload.Kind == "Pod" || spec is null)
        {
            return spec;
        }

        var template = FixContext.MapAt(spec, "template");
        return template is null ? null : FixContext.MapAt(template, "spec");
    }

    /// <summary>The object's spec mapping.</summary>
    public static YMap? Spec(Workload workload) => FixContext.MapAt(workload.Object.Node, "spec");

    /// <summary>Whether <paramref name="container"/>'s node is written in place inside <paramref name="podSpec"/> (not through an alias).</summary>
    public static bool IsInPlace(YMap podSpec, Container container)
    {
        foreach (var key in new[] { "containers", "initContainers" })
        {
            if (podSpec.Find(key) is { } entry && !YamlEditor.IsAlias(entry.Key, entry.Value) && entry.Value is YSeq seq
                && seq.Items.Any(i => ReferenceEquals(i, container.Node) && i.Start.Offset >= seq.Start.Offset))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The container's preStop mapping written in place, or null.</summary>
    public static YMap? PreStop(Container container)
    {
        var lifecycle = FixContext.MapAt(container.Node, "lifecycle");
        return lifecycle is null ? null : FixContext.MapAt(lifecycle, "preStop");
    }
}
