namespace OrleansReco.Testing;

/// <summary>Azurite's process ended while starting; its output tail is in the message. A taken port (EADDRINUSE) is retried on another port.</summary>
public sealed class AzuriteExitedException(string message) : Exception(message);
