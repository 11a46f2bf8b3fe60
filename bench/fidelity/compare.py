#!/usr/bin/env python3
"""Reads the fidelity suite's outputs (bench/fidelity/run.sh) and compares the model with the lab.

  compare.py pod-start LAB_JSON   median seconds from creation to ready of the lab's new pods (4 when none)
  compare.py table OUT_DIR        the Markdown results table on stdout, OUT_DIR/results.json beside it
"""
import json
import os
import statistics
import sys

TOLERANCE = 0.25          # the goal: prediction within +-25 %
COUNTED_ABOVE = 100       # ... wherever more than 100 requests failed


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def pod_start(lab):
    """From creation to ready of the lab's new pods: the median; for Recreate, whose outage ends when the first
    replacement is ready (all start at once and compete for the CPU), the earliest."""
    first = min(p["created"] for p in lab["pods"])
    starts = [p["ready"] - p["created"] for p in lab["pods"]
              if p.get("ready") is not None and p["created"] > first + 1.0]
    if not starts:
        return 4.0
    recreate = "Recreate" in lab["metadata"].get("deployment", "")
    return round(min(starts) if recreate else statistics.median(starts), 2)


def old_pods(lab):
    """The pods the rollout deleted, in deletion order, with the failures the lab tied to each."""
    deleted = [p for p in lab["pods"] if p.get("terminating") is not None]
    return sorted(deleted, key=lambda p: p["terminating"])


def compare(out, name):
    d = os.path.join(out, name)
    lab, check, explain = (load(os.path.join(d, f)) for f in ("lab.json", "check.json", "explain.json"))
    check_rc = int(open(os.path.join(d, "check.rc")).read())
    _, propagation, rps, start = open(os.path.join(d, "config.tsv")).read().strip().split("\t")
    workload = next(w for w in explain["workloads"] if w["name"] == "web")
    loss = workload["rollout"]["loss"]
    measured = lab["summary"]["failed"]
    measured_pods = [p["failed"] for p in old_pods(lab)]
    unattributed = measured - sum(p["failed"] for p in lab["pods"])
    predicted = loss["expectedFailedRequests"]
    predicted_pods = [p["expectedFailedRequests"] for p in loss["pods"]]
    errors = sorted({f["ruleId"] for f in check["findings"] if f["severity"] == "error"})
    unsafe = check_rc == 1
    lost = measured > 0
    ratio = predicted / measured if measured else (None if predicted >= 0.5 else 1.0)
    within = None if measured <= COUNTED_ABOVE else abs(predicted - measured) <= TOLERANCE * measured
    return {
        "config": name,
        "propagation": propagation,
        "rps": int(rps),
        "podStartSeconds": float(start),
        "stopListeningSeconds": workload["stopListeningSeconds"],
        "sigkillAtSeconds": workload["sigkillAtSeconds"],
        "labFailed": measured,
        "labFailedPerPod": measured_pods,
        "labFailedWithoutPod": unattributed,
        "labCauses": lab["summary"].get("causes", {}),
        "labCutShort": "cut short" in json.dumps(lab.get("problems", [])),
        "checkExit": check_rc,
        "checkErrors": errors,
        "predicted": predicted,
        "predictedPerPod": predicted_pods,
        "predictedNoEndpoint": loss["noEndpointRequests"],
        "endpointsSharing": [p["endpointsSharing"] for p in loss["pods"]],
        "ratio": ratio,
        "verdictMatches": unsafe == lost,
        "withinTolerance": within,
    }


def fmt_ratio(r):
    return "-" if r is None else f"{r:.2f}"


def table(out):
    names = []
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "configs.tsv"), encoding="utf-8") as f:
        for line in f:
            if line.strip() and not line.startswith("#"):
                name = line.split("\t")[0]
                if os.path.exists(os.path.join(out, name, "explain.json")):
                    names.append(name)
    rows = [compare(out, n) for n in names]
    with open(os.path.join(out, "results.json"), "w", encoding="utf-8") as f:
        json.dump(rows, f, indent=2)

    print("| config | P | S / SIGKILL | lab failed (per old pod; no pod) | lab causes | check (errors) | verdict | explain predicted (per pod; E) | ratio | within 25 % |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        causes = ", ".join(f"{k} {v}" for k, v in r["labCauses"].items()) or "-"
        per_pod = "/".join(str(x) for x in r["labFailedPerPod"])
        predicted_pods = "/".join(f"{x:.0f}" for x in r["predictedPerPod"])
        sharing = "/".join(f"{x:g}" for x in r["endpointsSharing"])
        no_ep = f"; {r['predictedNoEndpoint']:.0f} no endpoint" if r["predictedNoEndpoint"] else ""
        verdict = "unsafe" if r["checkExit"] == 1 else ("safe" if r["checkExit"] == 0 else f"exit {r['checkExit']}")
        within = "n/a (<=100)" if r["withinTolerance"] is None else ("yes" if r["withinTolerance"] else "**no**")
        print(f"| {r['config']} | {r['propagation']} | {r['stopListeningSeconds']:g} / {r['sigkillAtSeconds']:g} s "
              f"| {r['labFailed']} ({per_pod}; {r['labFailedWithoutPod']}) | {causes} "
              f"| {verdict} ({', '.join(r['checkErrors']) or '-'}) | {'match' if r['verdictMatches'] else '**mismatch**'} "
              f"| {r['predicted']:.0f} ({predicted_pods}{no_ep}; E {sharing}) | {fmt_ratio(r['ratio'])} | {within} |")
    matched = sum(r["verdictMatches"] for r in rows)
    counted = [r for r in rows if r["withinTolerance"] is not None]
    print()
    print(f"Verdicts matched in {matched} of {len(rows)} configurations; predictions within 25 % in "
          f"{sum(r['withinTolerance'] for r in counted)} of {len(counted)} configurations with more than {COUNTED_ABOVE} failures.")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "pod-start":
        print(pod_start(load(sys.argv[2])))
    elif len(sys.argv) == 3 and sys.argv[1] == "table":
        table(sys.argv[2])
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
