namespace OrleansReco.Tools.Cli;

/// <summary>Bad command-line arguments: the tool prints the message and the command's usage and exits with 2.</summary>
public sealed class UsageException(string message) : Exception(message);
