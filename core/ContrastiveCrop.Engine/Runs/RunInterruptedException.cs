namespace ContrastiveCrop.Engine.Runs;

/// <summary>
/// The run was stopped at the user's request (Ctrl+C, SIGTERM) at a safe point; the message says which checkpoint
/// was kept and how to continue. An <see cref="OperationCanceledException"/>, so code that treats cancellation as
/// cancellation still does.
/// </summary>
public sealed class RunInterruptedException(string message, Exception inner, CancellationToken token)
    : OperationCanceledException(message, inner, token);
