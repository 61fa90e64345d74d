using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Fulcrum.Bench.PickBenchmarks).Assembly).Run(args);
