using Handoff.Analysis.Dockerfiles;
using Handoff.Analysis.Images;

namespace Handoff.Analysis.Rules;

/// <summary>The messages of the Image rules (HO401-HO404): a Dockerfile instruction or a container's command.</summary>
public static partial class Messages
{
    private static string HO401(Violation v, Forbidden r)
    {
        if (v.Dockerfile is not { Instruction: var at })
        {
            return $"Container '{ContainerName(v)}' runs its command through a shell whose last command '{r.Actual}' is not exec'd: the shell is PID 1, does not pass SIGTERM on, and the app is killed at the grace period without draining; write 'exec {r.Actual}'.";
        }

        return at.IsExecForm
            ? $"{at.Keyword} starts a shell with -c whose last command '{r.Actual}' is not exec'd: the shell stays PID 1 and does not pass SIGTERM on; write 'exec {r.Actual}'."
            : $"{at.Keyword} is in shell form, so '/bin/sh -c' is PID 1 and SIGTERM never reaches '{r.Actual}'; use the exec form {at.Keyword} {Pid1Analysis.ToExecForm(r.Actual)}.";
    }

    private static string HO402(Violation v, Forbidden r)
    {
        if (v.Dockerfile is not { Instruction: var at })
        {
            return $"Container '{ContainerName(v)}' starts with '{v.Evidence}': the package manager runs the app in a child shell and SIGTERM may never reach it; set 'command' to the runtime itself, for example [\"node\", \"server.js\"].";
        }

        return r.WrittenIn is { } line
            ? $"{at.Keyword} runs '{line.Script}', which ends with '{r.Actual}' (line {line.Line}): '{v.Evidence}' runs the app in a child shell and SIGTERM may never reach it; start the runtime directly."
            : $"{at.Keyword} runs '{v.Evidence}': the package manager runs the app in a child shell and SIGTERM may never reach it; start the runtime directly, for example CMD [\"node\", \"server.js\"].";
    }

    private static string HO403(Violation v, Forbidden r) => v.Dockerfile is { Instruction: var at }
        ? $"{at.Keyword} runs '{v.Evidence}', whose last command '{r.Actual}' (line {r.WrittenIn?.Line}) is not exec'd: the script's shell stays PID 1 and SIGTERM never reaches the app; write 'exec {r.Actual}'."
        : $"Container '{ContainerName(v)}' runs '{v.Evidence}', whose last command '{r.Actual}' is not exec'd: SIGTERM never reaches the app; end the script with exec.";

    private static string HO404(Violation v, EqualTo r) => v.Case switch
    {
        "dockerfile-stop-signal" =>
            $"STOPSIGNAL {r.Actual} makes nginx do a fast shutdown that closes open connections; use STOPSIGNAL {r.Required}, nginx's graceful shutdown.",
        "base-image" =>
            $"Base image '{v.Evidence}' sets STOPSIGNAL {r.Actual} (official nginx images before {ImageKnowledge.NginxSigquitSince}), so nginx does a fast shutdown that closes open connections; add 'STOPSIGNAL {r.Required}' or use nginx {ImageKnowledge.NginxSigquitSince} or later.",
        "plain-base" =>
            $"{v.Dockerfile?.Instruction.Keyword} runs nginx on '{v.Evidence}', which sets no STOPSIGNAL, so Kubernetes stops it with SIGTERM, nginx's fast shutdown that closes open connections; add 'STOPSIGNAL {r.Required}'.",
        "container-stop-signal" =>
            $"Container '{ContainerName(v)}' runs nginx with stopSignal {r.Actual}, nginx's fast shutdown that closes open connections; use {r.Required} or run 'nginx -s quit' in preStop.",
        _ => $"Container '{ContainerName(v)}' runs '{v.Container!.Image}', which stops nginx with SIGTERM (official images before {ImageKnowledge.NginxSigquitSince}): a fast shutdown that closes open connections; use nginx {ImageKnowledge.NginxSigquitSince} or later, or end the preStop hook with 'nginx -s quit'.",
    };
}
