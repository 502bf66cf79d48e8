using ContrastiveCrop.Cli;

return CommandLine.Invoke(args);
