using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/Sketches -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
