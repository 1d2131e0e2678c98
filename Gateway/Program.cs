using OrleansReco.Gateway.Hosting;

RecoGatewayHost.Build(args).Run();
