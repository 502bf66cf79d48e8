namespace ContrastiveCrop.Engine.Runtime;

/// <summary>
/// The recipe's <c>device</c> names no device this machine has (an unknown name, CUDA without a GPU, a CUDA index
/// past the last GPU): a problem the user fixes in the recipe, so the host reports it as bad input (exit 2),
/// never as an <see cref="ArgumentException"/> from inside the program.
/// </summary>
public sealed class DeviceException(string message) : Exception(message);
