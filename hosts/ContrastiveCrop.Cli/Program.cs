using ContrastiveCrop.Cli;

return CommandLine.Build().Parse(args).Invoke();
