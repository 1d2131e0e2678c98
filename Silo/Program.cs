using OrleansReco.Silo;

await RecoSiloHost.Build(args).RunAsync();
