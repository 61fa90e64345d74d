using System.CommandLine;
using Fulcrum.Appliance.Cli;

using var allocationSampler = Fulcrum.Appliance.Diagnostics.AllocationSampler.StartIfAsked();
var root = RunCommand.Attach(new RootCommand("Fulcrum: a scriptable full-proxy traffic manager. With no verb, runs the appliance."));
root.Subcommands.Add(RunCommand.Create());
root.Subcommands.Add(ConfigCommand.Create());
root.Subcommands.Add(UserCommand.Create());
root.Subcommands.Add(BundleCommand.Create());
root.Subcommands.Add(RuleCommand.Create());
root.Subcommands.Add(ClusterCommand.Create());
return await root.Parse(args).InvokeAsync();
