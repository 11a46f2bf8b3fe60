using System.CommandLine;
using Handoff.Cli;
using Handoff.Cli.Commands;

var root = new RootCommand("Handoff: find, fix and prove zero-downtime rollouts for HTTP services on Kubernetes.");
root.Subcommands.Add(CheckCommand.Create());
root.Subcommands.Add(FixCommand.Create());
root.Subcommands.Add(ExplainCommand.Create());
root.Subcommands.Add(LabCommand.Create());
root.Subcommands.Add(VerifyCommand.Create());
root.Subcommands.Add(RulesCommand.Create());
root.Subcommands.Add(ProfilesCommand.Create());
root.Subcommands.Add(ConfigCommand.Create());
root.Subcommands.Add(PolicyCommand.Create());

return await CliHost.RunAsync(root, args);
