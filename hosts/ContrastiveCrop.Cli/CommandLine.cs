using System.CommandLine;

namespace ContrastiveCrop.Cli;

/// <summary>The ccrop command tree; each command's work lives in <see cref="Commands"/>.</summary>
internal static class CommandLine
{
    public static RootCommand Build()
    {
        var pluginsOption = new Option<string[]>("--plugins")
        {
            Description = "Extra folder to load plugins from (repeatable).",
            AllowMultipleArgumentsPerToken = false,
        };
        var setOption = new Option<string[]>("--set")
        {
            Description = "Override a recipe value, e.g. --set pretrain.epochs=5 (repeatable).",
        };
        var recipeArgument = new Argument<string>("recipe") { Description = "Path of the YAML recipe." };

        var run = new Command("run", "Run a recipe: pretrain, evaluate, write a run folder.") { recipeArgument, setOption, pluginsOption };
        run.SetAction(p => Commands.Guard(() => Commands.Run(p.GetValue(recipeArgument)!, p.GetValue(setOption) ?? [], p.GetValue(pluginsOption) ?? [])));

        var checkRecipe = new Argument<string>("recipe") { Description = "Path of the YAML recipe." };
        var check = new Command("check", "Validate a recipe and print it fully resolved.") { checkRecipe, setOption, pluginsOption };
        check.SetAction(p => Commands.Guard(() => Commands.CheckRecipe(p.GetValue(checkRecipe)!, p.GetValue(setOption) ?? [], p.GetValue(pluginsOption) ?? [])));
        var recipe = new Command("recipe", "Work with recipes.") { check };

        var list = new Command("list", "List the plugins found: kind, name, version, assembly.") { pluginsOption };
        list.SetAction(p => Commands.Guard(() => Commands.ListPlugins(p.GetValue(pluginsOption) ?? [])));
        var plugins = new Command("plugins", "Work with plugins.") { list };

        var doctor = new Command("doctor", "Report device, threads, native libraries and data sets found.") { pluginsOption };
        doctor.SetAction(p => Commands.Guard(() => Commands.Doctor(p.GetValue(pluginsOption) ?? [])));

        return new RootCommand("ContrastiveCrop.Platform: Siamese self-supervised pretraining with better crops.")
        {
            run, recipe, plugins, doctor, EvalCommands.Build(),
        };
    }
}
