namespace ContrastiveCrop.Distributed;

/// <summary>A data-parallel job cannot start or continue as configured (a bad input: exit code 2).</summary>
/// <param name="message">One line naming the cause and what to do.</param>
public sealed class DistributedSetupException(string message) : Exception(message);
