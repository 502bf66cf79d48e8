// The SDK's namespaces are used throughout the tests, as the engine's were before the SDK existed.
global using ContrastiveCrop.Sdk.Checkpoints;
global using ContrastiveCrop.Sdk.Cropping;
global using ContrastiveCrop.Sdk.Evaluation;
global using ContrastiveCrop.Sdk.Hooks;
global using ContrastiveCrop.Sdk.Optimization;
global using ContrastiveCrop.Sdk.Training;
