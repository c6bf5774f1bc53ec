namespace PlantFunctions.Cli.Commands;

/// <summary>
/// A command's input (an option's value, a file it names) cannot be used: <c>plant</c> prints the message, which
/// names the input and the problem, without a stack trace, and exits with 1.
/// </summary>
internal sealed class CommandInputException : Exception
{
    public CommandInputException(string message)
        : base(message)
    {
    }

    public CommandInputException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
