using ContrastiveCrop.Cli;

namespace ContrastiveCrop.Tests.Cli;

/// <summary>Runs the ccrop command tree in-process, capturing what it prints.</summary>
internal static class Ccrop
{
    private static readonly Lock ConsoleGate = new();

    public sealed record Outcome(int ExitCode, string Out, string Error);

    public static Outcome Invoke(params string[] args)
    {
        lock (ConsoleGate)
        {
            var (oldOut, oldError) = (Console.Out, Console.Error);
            var (output, error) = (new StringWriter(), new StringWriter());
            Console.SetOut(output);
            Console.SetError(error);
            try
            {
                int code = CommandLine.Invoke(args);
                return new Outcome(code, output.ToString(), error.ToString());
            }
            finally
            {
                Console.SetOut(oldOut);
                Console.SetError(oldError);
            }
        }
    }
}
