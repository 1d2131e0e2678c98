namespace OrleansReco.Testing;

/// <summary>Azurite's process ended while starting (typically its port was taken); the start is retried on another port.</summary>
public sealed class AzuriteExitedException(string message) : Exception(message);
