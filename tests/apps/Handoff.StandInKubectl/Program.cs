// STAND-IN kubectl for tests (no cluster can exist on this machine). See StandIn.cs and tests/fixtures/verify/README.md.
return await Handoff.Rollout.Testing.StandInKubectl.StandIn.RunAsync(args);
