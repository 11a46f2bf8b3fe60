using System.CommandLine;
using Handoff.Analysis.Policy;
using Handoff.Analysis.Timing;

namespace Handoff.Cli.Commands;

/// <summary>'handoff policy': prints a ValidatingAdmissionPolicy that enforces the single-object rules in the API server.</summary>
internal static class PolicyCommand
{
    public static Command Create()
    {
        var options = new CommonOptions();
        var action = new Option<string?>("--action")
        {
            Description = "One action for every rule: deny, warn or audit. Default: errors deny, warnings warn, info audit.",
        };
        action.AcceptOnlyFromAmong("deny", "warn", "audit");
        var namespaceSelector = new Option<string?>("--namespace-selector")
        {
            Description = "Label selector of the namespaces the bindings apply to, as kubectl writes it ('env=prod,team in (a,b)'). Default: every namespace but kube-system.",
        };

        var mutate = new Option<bool>("--mutate")
        {
            Description = "Also print a MutatingAdmissionPolicy and binding that do what 'fix' does where it is safe: add a preStop sleep of P to serving containers without one and raise terminationGracePeriodSeconds to S + D + B. Never changes a preStop you wrote. Needs --k8s-version 1.34 or later (v1beta1, off by default before 1.36; v1 from 1.36).",
        };

        var command = new Command("policy", "Print a ValidatingAdmissionPolicy, its bindings and parameter ConfigMap that enforce Handoff's single-object rules at admission, and with --mutate a MutatingAdmissionPolicy that fixes what is safe to fix (see docs/policy.md).")
        {
            action, namespaceSelector, mutate,
        };
        foreach (var option in new Option[] { options.Profile, options.Version, options.Propagation, options.Drain, options.Config })
        {
            command.Options.Add(option);
        }

        command.SetAction((ParseResult parse, CancellationToken _) =>
        {
            if (!options.TryResolve(parse, ["."], [], out var resolved))
            {
                return Task.FromResult(CliHost.UsageOrInput);
            }

            var settings = resolved!.Options;
            var profileId = settings.Profile ?? settings.Profiles.Default.Id;
            if (settings.Profiles.Find(profileId) is not { } profile)
            {
                Console.Error.WriteLine($"handoff: unknown profile '{profileId}'. Known: {settings.Profiles.Ids}.");
                return Task.FromResult(CliHost.UsageOrInput);
            }

            if (settings.Version < AdmissionPolicy.MinimumVersion)
            {
                Console.Error.WriteLine($"handoff: --k8s-version {settings.Version.Major}.{settings.Version.Minor} has no admissionregistration.k8s.io/v1 ValidatingAdmissionPolicy; it is GA from Kubernetes {AdmissionPolicy.MinimumVersion.Major}.{AdmissionPolicy.MinimumVersion.Minor}.");
                return Task.FromResult(CliHost.UsageOrInput);
            }

            if (parse.GetValue(mutate) && AdmissionMutation.Refusal(settings.Version) is { } refusal)
            {
                Console.Error.WriteLine($"handoff: {refusal}.");
                return Task.FromResult(CliHost.UsageOrInput);
            }

            var policyOptions = new AdmissionPolicyOptions(PolicyParameters.Of(profile, settings.Timing), settings.Version)
            {
                Mutate = parse.GetValue(mutate),
                Action = parse.GetValue(action) switch
                {
                    "deny" => AdmissionAction.Deny,
                    "warn" => AdmissionAction.Warn,
                    "audit" => AdmissionAction.Audit,
                    _ => null,
                },
            };
            if (parse.GetValue(namespaceSelector) is { } selectorText)
            {
                var (selector, error) = LabelSelectorText.Parse(selectorText);
                if (selector is null)
                {
                    Console.Error.WriteLine($"handoff: --namespace-selector '{selectorText}': {error}");
                    return Task.FromResult(CliHost.UsageOrInput);
                }

                policyOptions = policyOptions with { NamespaceSelector = selector };
            }

            Console.Out.Write(AdmissionPolicy.Render(policyOptions));
            return Task.FromResult(CliHost.Ok);
        });
        return command;
    }
}
