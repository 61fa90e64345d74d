using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Fulcrum.Bench.Rules.RuleDispatchBenchmark).Assembly).Run(args);
