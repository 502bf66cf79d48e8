using System.Text;
using ContrastiveCrop.Tests.Cli;

namespace ContrastiveCrop.Tests.BadInput;

/// <summary>
/// The table of bad inputs: recipes, --set overrides, devices, output folders, data files, plugin
/// folders, checkpoints and the command line. Every case must exit 2 with one line naming the culprit.
/// </summary>
internal static class BadInputCases
{
    private const string Run = "run";

    private static BadInputCase Recipe(string name, string text, string[] mentions, string command = Run, params string[] extra) =>
        new(name, r => [.. command.Split(' '), r.Write(text), .. extra], 2, mentions);

    private static BadInputCase Tiny(string name, string from, string to, params string[] mentions) =>
        Recipe(name, BadData.Replace(TinyRecipe.Text(), from, to), mentions);

    private static BadInputCase Set(string name, string setting, params string[] mentions) =>
        new(name, r => [Run, r.Write(TinyRecipe.Text()), "--set", setting], 2, mentions);

    private static string Path(string file) => "{folder}/" + file;

    /// <summary>A file PyTorch wrote (tests/…/Interop/Fixtures), by absolute path.</summary>
    private static string Fixture(string name) => ContrastiveCrop.Tests.Interop.InteropFixtures.File(name);

    /// <summary>
    /// The tiny recipe with its kNN stage replaced by a detection stage over a generated two-class set (disc, square) in
    /// {folder}/detection; <paramref name="stage"/> gets the set's folder and returns the stage's flow mapping.
    /// </summary>
    private static BadInputCase Detection(string name, Func<string, string> stage, string[] mentions, string command = Run, Action<string>? damage = null) =>
        new(name, r =>
        {
            var set = System.IO.Path.Combine(r.Folder, "detection");
            ContrastiveCrop.Data.DetectionSetGenerator.Generate(set, new ContrastiveCrop.Data.DetectionSetGenerator.Settings(4, 2, 48, Seed: 1, Classes: 2));
            damage?.Invoke(set);
            return [.. command.Split(' '), r.Write(BadData.Replace(TinyRecipe.Text(), "- {name: knn, k: 5}", stage(set)))];
        }, 2, mentions);

    /// <summary>A VOC detection stage; <c>init: random</c> unless <paramref name="more"/> sets init, since the tiny recipe's small-data stem fits no detector.</summary>
    private static string Voc(string set, string more = "") =>
        $"- {{name: faster-rcnn-c4, devkit: {set}/VOCdevkit, train_sets: [2007/trainval], test_set: 2007/test, classes: [disc, square]{(more.Contains("init:") ? "" : ", init: random")}{more}}}";

    /// <summary>A detection stage of the tiny recipe's width: its backbone's small-data (3×3) stem is what does not fit.</summary>
    private static string Voc_(string set) => Voc(set, ", init: backbone, depth: 18, width_multiplier: 0.0625");

    public static IEnumerable<BadInputCase> All()
    {
        // ---- recipe syntax and structure ----
        yield return Recipe("Unclosed_bracket_spanning_lines", "name: tiny\nseed: [1, 2,\n  3\ndevice: cpu\n", [Path("recipe.yaml:")]);
        yield return Recipe("Unclosed_brace_spanning_lines", "name: tiny\ndata: {name: x,\n  root: y\npretrain: 1\n", [Path("recipe.yaml:")]);
        yield return Recipe("Tab_is_reported_at_its_line", "name: tiny\nseed: 3\ndata:\n\tname: x\n", [Path("recipe.yaml:4:")], "recipe check");
        yield return Recipe("Nested_aliases_of_mappings_are_bounded", BillionLaughs(mappings: true), ["aliases expand to more than 100,000"]);
        yield return Recipe("Nested_aliases_of_sequences_are_bounded", BillionLaughs(mappings: false), ["aliases expand to more than 100,000"]);
        yield return Recipe("Twenty_thousand_open_brackets_are_bounded", "a: " + new string('[', 20_000) + "\n", [Path("recipe.yaml:1:"), "nest deeper than 64"]);
        yield return Recipe("Deep_block_nesting_is_bounded",
            string.Concat(Enumerable.Range(0, 80).Select(i => new string(' ', 2 * i) + "a:\n")), ["nest deeper than 64"]);
        yield return Recipe("Duplicate_key_names_both_positions", BadData.Replace(TinyRecipe.Text(), "seed: 3\n", "seed: 3\nseed: 4\n"),
            [Path("recipe.yaml:3:1"), "duplicate key 'seed' (first defined at 2:1)"]);
        yield return Recipe("Unknown_alias", "name: *nothing\n", [Path("recipe.yaml:1:7"), "unknown anchor '*nothing'"]);
        yield return Recipe("Two_documents", "name: a\n---\nname: b\n", [Path("recipe.yaml:2:1"), "single YAML document"]);
        yield return Recipe("Top_level_sequence", "- a\n- b\n", [Path("recipe.yaml:1:1"), "must be a mapping"]);
        yield return Recipe("Binary_file_as_recipe", Encoding.Latin1.GetString([0x00, 0x01, 0xFF, 0x89, 0x50, 0x4E, 0x47]), [Path("recipe.yaml:")]);
        yield return new("Recipe_file_over_a_mebibyte", r => [Run, r.Write("# " + new string('x', 1_100_000) + "\n")], 2,
            [Path("recipe.yaml"), "a recipe is at most 1,048,576"]);
        yield return new("Recipe_file_missing", r => [Run, System.IO.Path.Combine(r.Folder, "nope.yaml")], 2, [Path("nope.yaml"), "does not exist"]);
        yield return new("Recipe_path_is_a_folder", r => [Run, r.Folder], 2, ["{folder}", "is a folder"]);
        yield return Recipe("Empty_recipe", "# nothing\n", [Path("recipe.yaml:1:1"), "the recipe sets nothing"]);
        yield return new("Base_file_cycle", r =>
        {
            r.Write("_base_: b.yaml\n", "a.yaml");
            r.Write("_base_: a.yaml\n", "b.yaml");
            return [Run, System.IO.Path.Combine(r.Folder, "a.yaml")];
        }, 2, ["cycle in base files"]);
        yield return Recipe("Base_file_missing", "_base_: gone.yaml\n" + TinyRecipe.Text(), [Path("recipe.yaml:1:9"), "base file not found", Path("gone.yaml")]);

        // ---- recipe values ----
        yield return Tiny("Misspelt_key_suggests_the_right_one", "  lr: 0.05\n", "  lrr: 0.05\n", Path("recipe.yaml:13:3"), "pretrain.lrr", "did you mean 'lr'");
        yield return Tiny("Wrong_type", "  epochs: 2\n", "  epochs: many\n", Path("recipe.yaml:11:11"), "pretrain.epochs", "expected an integer");
        yield return Tiny("Learning_rate_nan", "  lr: 0.05\n", "  lr: .nan\n", Path("recipe.yaml:13:7"), "pretrain.lr", "finite number");
        yield return Tiny("Learning_rate_infinite", "  lr: 0.05\n", "  lr: .inf\n", Path("recipe.yaml:13:7"), "pretrain.lr", "finite number");
        yield return Tiny("Temperature_negative_infinity", "temperature: 0.5", "temperature: -.inf", "pretrain.method.temperature", "finite number");
        yield return Tiny("Integer_too_large", "  epochs: 2\n", "  epochs: 99999999999\n", "pretrain.epochs", "does not fit in 32 bits");
        yield return Tiny("Run_name_with_a_slash", "name: tiny\n", "name: a/b\n", Path("recipe.yaml:1:1"), "name", "cannot be used in a folder name");
        yield return Tiny("Negative_threads", "seed: 3\n", "seed: 3\nthreads: -1\n", "threads", "must be 0");
        yield return Tiny("A_hundred_thousand_threads", "seed: 3\n", "seed: 3\nthreads: 100000\n", Path("recipe.yaml:3:1"), "threads", "logical processors", "use at most");
        yield return Tiny("Batch_of_one", "  batch_size: 16\n", "  batch_size: 1\n", "pretrain.batch_size", "at least 2");
        yield return Tiny("View_size_of_100000", "  image_size: 16\n  log_every", "  image_size: 100000\n  log_every", "pretrain.image_size", "at most 2048", "GiB");
        yield return Tiny("Generated_set_of_two_billion", "  train_count: 48\n", "  train_count: 2000000000\n", "data.train_count", "GiB of memory");
        yield return Tiny("Generated_images_of_100000_pixels", "  image_size: 16\npretrain", "  image_size: 100000\npretrain", "data.image_size", "at most 1024");
        yield return Tiny("Batch_larger_than_the_training_set", "  batch_size: 16\n", "  batch_size: 64\n",
            Path("recipe.yaml:12:3"), "pretrain.batch_size", "only 48 images");
        yield return Tiny("Knn_k_larger_than_the_training_set", "{name: knn, k: 5}", "{name: knn, k: 500}", "evaluate[0].k", "k = 500", "only 48 images");
        yield return Tiny("Monitor_k_larger_than_the_training_set", "  log_every: 1\n", "  log_every: 1\n  monitor: {every: 1, task: {name: knn, k: 49}}\n",
            "pretrain.monitor.task.k", "only 48 images");
        yield return Set("Evaluate_stages_without_a_pretrain_section", "pretrain=", "--set pretrain=", "pretrain: the evaluate stages need a backbone");
        yield return Set("A_key_one_level_too_high", "method.name=byol", "--set method.name=byol: method: unknown key; did you mean 'pretrain.method'?");
        yield return Set("Zero_epochs_is_one_problem_not_two", "pretrain.epochs=0", "--set pretrain.epochs=0", "pretrain.epochs: must be positive");
        yield return Tiny("Evaluate_item_not_a_mapping", "  - {name: knn, k: 5}", "  - knn", "evaluate[0]", "must be a mapping");
        yield return Tiny("Unknown_sampler_lists_the_known_ones", "name: random-resized-crop", "name: random-resized-cropp",
            "pretrain.sampler.name", "unknown crop sampler 'random-resized-cropp'", "Did you mean 'random-resized-crop'");
        yield return Tiny("Invalid_method_option", "temperature: 0.5", "temperature: 0", "pretrain.method.temperature");
        yield return Tiny("Unknown_key_in_a_plugin_section", "{name: knn, k: 5}", "{name: knn, kk: 5}", "evaluate[0].kk", "did you mean 'k'");
        yield return Tiny("Missing_data_section", BadData.ShapesData, "", "data: is required");
        yield return Tiny("Unknown_data_set", "  name: shapes-on-clutter\n", "  name: imagenet-22k\n", "data.name", "unknown data set 'imagenet-22k'");
        yield return Tiny("Checkpoint_to_evaluate_is_missing", "seed: 3\n", "seed: 3\nfrom_checkpoint: gone.pt\n", "from_checkpoint", Path("gone.pt"), "does not exist");

        // from_checkpoint is read from its headers only (no tensor data) and checked against pretrain.backbone before work.
        yield return new("Checkpoint_to_evaluate_is_of_another_width", r =>
                [Run, r.Write(BadData.Replace(TinyRecipe.Text(), "seed: 3\n", $"seed: 3\nfrom_checkpoint: {CcropCheckpoint(r, 0.125)}\n"))], 2,
            [Path("recipe.yaml:3:1"), "from_checkpoint", Path("other-width.pt"), "its 'conv1.weight' has shape [8, 3, 3, 3] but the recipe's backbone has [4, 3, 3, 3]",
             "set width_multiplier: 0.125 in pretrain.backbone"]);
        yield return new("Checkpoint_to_evaluate_is_truncated", r =>
            {
                var path = CcropCheckpoint(r, 0.0625);
                File.WriteAllBytes(path, File.ReadAllBytes(path)[..^50]);
                return [Run, r.Write(BadData.Replace(TinyRecipe.Text(), "seed: 3\n", $"seed: 3\nfrom_checkpoint: {path}\n"))];
            }, 2, ["from_checkpoint", Path("other-width.pt"), "is truncated or corrupt"]);
        yield return new("Evaluating_a_PyTorch_file_of_another_depth", r => ["eval", "checkpoint", Fixture("resnet50.safetensors"), "--recipe", r.Write(TinyRecipe.Text())], 2,
            ["from_checkpoint", Fixture("resnet50.safetensors"), "does not fit pretrain.backbone", "set depth: 50, small_data_stem: false in pretrain.backbone"]);

        // ---- --set overrides: reported as the argument typed ----
        yield return Set("Override_value_not_yaml", "pretrain.lr=[1,", "--set pretrain.lr=[1,", "invalid override value");
        yield return Set("Override_value_out_of_range", "pretrain.lr=-1", "--set pretrain.lr=-1", "pretrain.lr", "must be positive");
        yield return Set("Override_value_nan", "pretrain.lr=.nan", "--set pretrain.lr=.nan", "finite number");
        yield return Set("Override_without_equals", "pretrain.lr", "--set pretrain.lr", "expected key.path=value");
        yield return Set("Override_into_a_scalar", "seed.x=1", "--set seed.x=1", "'seed' is a scalar");
        yield return Set("Override_with_a_misspelt_key", "pretrain.epoch=3", "--set pretrain.epoch=3", "did you mean 'epochs'");
        yield return Set("Override_of_an_unknown_device", "device=tpu", "--set device=tpu", "not one of auto, cpu, cuda");
        yield return Set("Override_of_one_list_item", "evaluate[0].k=3", "--set evaluate[0].k=3", "evaluate[0]: --set cannot change one item of a list", "set the whole list in YAML flow style, e.g. --set 'evaluate=[{name: ..., k: 3}, ...]'");
        yield return Set("Override_batch_larger_than_the_data", "pretrain.batch_size=49", "--set pretrain.batch_size=49", "only 48 images");

        // Detection options whose bad values crashed in libtorch, exhausted memory and disk, or did nothing, after the pretraining.
        const string generated = "evaluate=[{name: faster-rcnn-c4, format: generated, init: random, iterations: 2, batch_size: 2";
        yield return Set("Generated_detection_images_of_100000_pixels", generated + ", generated_size: 100000}]",
            "evaluate[0].generated_size", "must be at most 1024 pixels");
        yield return Set("Generated_detection_set_of_two_billion_images", generated + ", generated_train_count: 2000000000}]",
            "evaluate[0].generated_train_count", "GiB of pixels to draw and write into the run folder", "generate fewer or smaller images");
        yield return Set("Rescale_backbone_without_a_backbone_to_rescale", generated + ", rescale_backbone: true}]",
            "evaluate[0].rescale_backbone", "needs init: backbone (got init: random)");
        yield return Set("Detection_proposals_top_k_of_minus_one", generated + ", pre_nms_topk_train: -1}]", "evaluate[0].pre_nms_topk_train", "must be at least 1; got -1");
        yield return Set("Detection_keeping_no_detections", generated + ", detections_per_image: 0}]", "evaluate[0].detections_per_image", "must be at least 1; got 0");
        yield return Set("Detection_momentum_of_five", generated + ", momentum: 5}]", "evaluate[0].momentum", "below 1");
        yield return Set("Detection_test_limit_negative", generated + ", test_limit: -3}]", "evaluate[0].test_limit", "must be 0 (every test image)");

        // ---- devices ----
        yield return Tiny("Cuda_without_a_gpu", "device: cpu\n", "device: cuda\n", Path("recipe.yaml:3:1"), "no CUDA device", "device: cpu");
        yield return Tiny("Second_cuda_device_without_a_gpu", "device: cpu\n", "device: cuda:1\n", "device", "no CUDA device");
        yield return Tiny("Unknown_device", "device: cpu\n", "device: tpu\n", Path("recipe.yaml:3:1"), "device 'tpu' is not one of");
        yield return Tiny("Gpu_is_not_a_device_name", "device: cpu\n", "device: gpu\n", Path("recipe.yaml:3:1"), "device 'gpu' is not one of", "write 'cuda'");
        yield return Tiny("Seventh_cuda_device_without_a_gpu", "device: cpu\n", "device: cuda:7\n", Path("recipe.yaml:3:1"), "device 'cuda:7'", "no CUDA device");
        yield return new("Recipe_check_of_nccl_on_the_cpu", r => ["recipe", "check", r.Write(TinyRecipe.Text()), "--set", "distributed={backend: nccl}"], 2,
            ["--set distributed={backend: nccl}", "distributed.backend: nccl carries CUDA tensors only", "use backend mpi or auto"]);
        yield return Recipe("Recipe_check_of_a_malformed_cuda_index", BadData.Replace(TinyRecipe.Text(), "device: cpu\n", "device: cuda:x\n"),
                            [Path("recipe.yaml:3:1"), "device 'cuda:x' is not one of"], "recipe check");

        // ---- a detection stage's own files (IInputChecks), found before pretraining ----
        yield return Detection("Detection_devkit_missing", set => $"- {{name: faster-rcnn-c4, devkit: {set}/nowhere, init: random}}",
            ["evaluate[0].devkit", Path("detection/nowhere"), "does not exist"]);
        yield return Detection("Recipe_check_of_a_detection_devkit_that_is_a_file", set => $"- {{name: faster-rcnn-c4, devkit: {set}/annotations/instances_test.json, init: random}}",
            ["evaluate[0].devkit", "is a file"], "recipe check");
        yield return Detection("Detection_image_set_missing", set => Voc(set).Replace("test_set: 2007/test", "test_set: 2007/val"),
            ["evaluate[0].test_set", Path("detection/VOCdevkit/VOC2007/ImageSets/Main/val.txt"), "does not exist"]);
        yield return Detection("Detection_class_the_annotations_use_is_not_listed", set => Voc(set).Replace("classes: [disc, square]", "classes: [disc]"),
            ["evaluate[0].classes", "'square' in", "not in classes (disc)"]);
        yield return Detection("Detection_annotation_not_well_formed", set => Voc(set),
            ["evaluate[0].test_set", Path("detection/VOCdevkit/VOC2007/Annotations/test_00000.xml"), "not well-formed XML", "(image 'test_00000' of 2007/test)"],
            damage: set => File.WriteAllText(System.IO.Path.Combine(set, "VOCdevkit", "VOC2007", "Annotations", "test_00000.xml"), "<annotation><object>"));
        yield return Detection("Detection_coco_instances_file_missing", set =>
                $"- {{name: mask-rcnn-c4, format: coco, train_json: {set}/annotations/gone.json, train_images: {set}/VOCdevkit/VOC2007/JPEGImages, " +
                $"test_json: {set}/annotations/instances_test.json, test_images: {set}/VOCdevkit/VOC2007/JPEGImages, init: random}}",
            ["evaluate[0].train_json", Path("detection/annotations/gone.json"), "does not exist"]);
        yield return Detection("Detection_coco_instances_file_over_64_MiB_cut_off", set =>
                $"- {{name: mask-rcnn-c4, format: coco, train_json: {LargeCocoCutOff(set)}, train_images: {set}/VOCdevkit/VOC2007/JPEGImages, " +
                $"test_json: {set}/annotations/instances_test.json, test_images: {set}/VOCdevkit/VOC2007/JPEGImages, init: random}}",
            ["evaluate[0].train_json", Path("detection/annotations/large.json") + ": line 1048578, column ", "not valid JSON", "Fix or regenerate the file"]);
        yield return Detection("Detection_init_checkpoint_is_not_weights", set => Voc(set, $", init: checkpoint, checkpoint: {set}/annotations/instances_test.json"),
            ["evaluate[0].checkpoint", Path("detection/annotations/instances_test.json"), "is not a checkpoint"]);

        // An init: checkpoint file is read from its headers only: its tensors' shapes against the detector's, before pretraining.
        yield return Detection("Detection_init_checkpoint_of_another_depth", set => Voc(set,
                $", init: checkpoint, checkpoint: {Fixture("torchvision-resnet18.pth")}, depth: 50, width_multiplier: 0.0625"),
            ["evaluate[0].checkpoint", Fixture("torchvision-resnet18.pth"), "does not fit the detector (ResNet-50 × 0.0625)",
             "the file's 'layer1.0.conv1.weight' has shape [4, 4, 3, 3]", "'backbone.layer1.0.conv1.weight' has [4, 4, 1, 1]", "set this stage's depth: 18"]);
        yield return Detection("Recipe_check_of_a_detection_init_checkpoint_of_another_width", set => Voc(set,
                $", init: checkpoint, checkpoint: {Fixture("resnet50.safetensors")}, depth: 50, width_multiplier: 0.125"),
            ["evaluate[0].checkpoint", Fixture("resnet50.safetensors"), "(safetensors, a bare torchvision state dict)", "'conv1.weight' has shape [4, 3, 7, 7]",
             "[8, 3, 7, 7]", "width_multiplier: 0.0625"], "recipe check");
        yield return Detection("Detection_init_checkpoint_with_a_small_data_stem", set => Voc(set,
                $", init: checkpoint, checkpoint: {Fixture("simsiam-resnet18-cifar.pth.tar")}, depth: 18, width_multiplier: 0.0625"),
            ["evaluate[0].checkpoint", "'conv1.weight' has shape [4, 3, 3, 3]", "3×3 small-data stem, which cannot be used for detection"]);
        yield return Detection("Detection_init_checkpoint_is_a_ccrop_checkpoint", set =>
            {
                File.WriteAllBytes(System.IO.Path.Combine(set, "last.pt"), [.. "CCROPCK1"u8, .. new byte[64]]);
                return Voc(set, $", init: checkpoint, checkpoint: {set}/last.pt");
            },
            ["evaluate[0].checkpoint", Path("detection/last.pt"), "is a ccrop checkpoint, not a PyTorch file", "give it as from_checkpoint"]);

        // ---- a detection stage that cannot use the pretrained backbone (IBackboneChecks), found before pretraining ----
        yield return Detection("Recipe_check_of_a_detector_that_does_not_fit_the_pretrained_backbone", Voc_,
            ["evaluate[0].init", "does not fit pretrain.backbone", "'conv1.weight' has shape [4, 3, 3, 3]", "[4, 3, 7, 7]", "small-data stem"], "recipe check");

        // ---- output folder ----
        yield return new("Output_dir_is_a_file", r =>
        {
            File.WriteAllText(System.IO.Path.Combine(r.Folder, "runs"), "not a folder");
            return [Run, r.Write(TinyRecipe.Text())];
        }, 2, [Path("recipe.yaml:4:1"), "output_dir", Path("runs") + "' is a file"]);
        yield return new("Output_dir_below_a_file", r =>
        {
            File.WriteAllText(System.IO.Path.Combine(r.Folder, "blocker"), "");
            return [Run, r.Write(BadData.Replace(TinyRecipe.Text(), "output_dir: runs", "output_dir: blocker/runs"))];
        }, 2, ["output_dir", Path("blocker") + "' is a file"]);

        // ---- data files ----
        yield return new("Image_folder_root_missing", r => [Run, r.Write(BadData.WithData(BadData.ImageFolderData(System.IO.Path.Combine(r.Folder, "nowhere"))))], 2,
            ["data", "'train' split", Path("nowhere/train") + "' does not exist"]);
        yield return new("Image_folder_root_is_a_file", r =>
        {
            File.WriteAllText(System.IO.Path.Combine(r.Folder, "afile"), "");
            return [Run, r.Write(BadData.WithData(BadData.ImageFolderData(System.IO.Path.Combine(r.Folder, "afile"))))];
        }, 2, ["data", Path("afile/train")]);
        yield return new("Image_folder_test_split_missing", r =>
        {
            var root = BadData.ImageFolder(r.Folder, 8, ["a", "b"], "train");
            return [Run, r.Write(BadData.WithData(BadData.ImageFolderData(root)))];
        }, 2, ["'test' split (read by evaluate[0].test_split)", Path("images/val") + "' does not exist"]);
        yield return new("Image_folder_test_class_unknown_to_training", r =>
        {
            var root = BadData.ImageFolder(r.Folder, 8, ["a", "b"], "train", "val");
            BadData.ImageFolder(r.Folder, 1, ["zebra"], "val");
            return [Run, r.Write(BadData.WithData(BadData.ImageFolderData(root)))];
        }, 2, ["'zebra'", "training classes (a, b) lack"]);
        yield return new("Image_folder_without_images", r =>
        {
            Directory.CreateDirectory(System.IO.Path.Combine(r.Folder, "images", "train", "a"));
            return [Run, r.Write(BadData.WithData(BadData.ImageFolderData(System.IO.Path.Combine(r.Folder, "images"))))];
        }, 2, [Path("images/train"), "no images"]);
        yield return new("Image_folder_smaller_than_the_batch", r =>
        {
            var root = BadData.ImageFolder(r.Folder, 3, ["a", "b"], "train", "val");
            return [Run, r.Write(BadData.WithData(BadData.ImageFolderData(root)))];
        }, 2, ["pretrain.batch_size", "only 6 images"]);
        yield return new("Fashion_mnist_folder_missing", r => [Run, r.Write(BadData.WithData($"data:\n  name: fashion-mnist\n  root: {r.Folder}/nofm\n"))], 2,
            ["'train' split", Path("nofm/train-images-idx3-ubyte.gz") + "' does not exist"]);
        yield return new("Fashion_mnist_truncated_images_file", r =>
        {
            var root = BadData.FashionMnist(r.Folder, 64, 16);
            BadData.Idx(System.IO.Path.Combine(root, "train-images-idx3-ubyte"), [64, 28, 28], 1000);
            return [Run, r.Write(BadData.WithData($"data:\n  name: fashion-mnist\n  root: {root}\n"))];
        }, 2, [Path("fmnist/train-images-idx3-ubyte"), "truncated"]);
        yield return new("Fashion_mnist_labels_do_not_match_images", r =>
        {
            var root = BadData.FashionMnist(r.Folder, 64, 16, trainLabels: 63);
            return [Run, r.Write(BadData.WithData($"data:\n  name: fashion-mnist\n  root: {root}\n"))];
        }, 2, [Path("fmnist/train-labels-idx1-ubyte"), "holds 63 labels", "64 images"]);
        yield return new("Fashion_mnist_test_file_not_idx", r =>
        {
            var root = BadData.FashionMnist(r.Folder, 64, 16);
            File.WriteAllText(System.IO.Path.Combine(root, "t10k-images-idx3-ubyte"), "<html>not found</html>");
            return [Run, r.Write(BadData.WithData($"data:\n  name: fashion-mnist\n  root: {root}\n"))];
        }, 2, ["'test' split", Path("fmnist/t10k-images-idx3-ubyte"), "not an unsigned-byte IDX file"]);
        yield return new("Cifar10_truncated_batch", r =>
        {
            var folder = System.IO.Path.Combine(r.Folder, "cifar", "cifar-10-batches-bin");
            Directory.CreateDirectory(folder);
            foreach (var name in Enumerable.Range(1, 5).Select(i => $"data_batch_{i}.bin").Append("test_batch.bin"))
                File.WriteAllBytes(System.IO.Path.Combine(folder, name), new byte[3073 * 10]);
            File.WriteAllBytes(System.IO.Path.Combine(folder, "data_batch_3.bin"), new byte[3073 * 10 - 100]);
            return [Run, r.Write(BadData.WithData($"data:\n  name: cifar10\n  root: {r.Folder}/cifar\n"))];
        }, 2, [Path("cifar/cifar-10-batches-bin/data_batch_3.bin"), "not a whole number"]);
        yield return new("Objects_on_clutter_without_its_boxes", r =>
        {
            var root = BadData.ImageFolder(r.Folder, 8, ["a", "b"], "train", "test");
            return [Run, r.Write(BadData.WithData($"data:\n  name: objects-on-clutter\n  root: {root}\n"))];
        }, 2, [Path("images/boxes.tsv") + "' does not exist"]);

        // ---- plugin folders ----
        yield return new("Plugin_folder_missing", r => [Run, r.Write(TinyRecipe.Text()), "--plugins", System.IO.Path.Combine(r.Folder, "gone")], 2,
            [Path("gone") + "' does not exist"]);
        yield return new("Plugin_folder_is_a_file", r => [Run, r.Write(TinyRecipe.Text()), "--plugins", r.Write("x", "plugins.txt")], 2,
            [Path("plugins.txt") + "' is a file", "plugin_folders / --plugins"]);
        yield return Tiny("Recipe_plugin_folder_missing", "seed: 3\n", "seed: 3\nplugin_folders: [gone]\n", Path("gone") + "' does not exist", "remove it from plugin_folders");
        yield return new("Truncated_plugin_dll_stops_a_run", r =>
            [Run, r.Write(TinyRecipe.Text()), "--plugins", BadData.DamagedPlugin(r.Folder, b => b[..(b.Length / 3)])], 2,
            [Path("extra-plugins/Broken.Sampler.dll"), "truncated or corrupt"]);
        yield return new("Text_file_named_dll_is_listed", r => ["plugins", "list", "--plugins", BadData.DamagedPlugin(r.Folder, _ => "MZ? no."u8.ToArray())], 2,
            [Path("extra-plugins/Broken.Sampler.dll"), "not a valid .NET assembly"], Prefix: "problem: ");
        yield return new("Plugin_dll_with_corrupt_metadata_is_listed", r => ["plugins", "list", "--plugins", BadData.DamagedPlugin(r.Folder, BadData.CorruptMetadata)], 2,
            [Path("extra-plugins/Broken.Sampler.dll"), "truncated or corrupt"], Prefix: "problem: ");

        // ---- checkpoints and run folders ----
        yield return new("Resume_without_a_checkpoint", r => [Run, "--resume", FakeRun(r, checkpoint: null)], 2,
            ["no checkpoint to resume from", Path("old-run/checkpoints/last.pt")]);
        yield return new("Resume_with_a_folder_in_place_of_last_pt", r =>
        {
            var run = FakeRun(r, checkpoint: null);
            Directory.CreateDirectory(System.IO.Path.Combine(run, "checkpoints", "last.pt"));
            return [Run, "--resume", run];
        }, 2, [Path("old-run/checkpoints/last.pt") + "' is a folder"]);
        yield return new("Resume_of_a_garbage_checkpoint", r => [Run, "--resume", FakeRun(r, checkpoint: "not a checkpoint"u8.ToArray())], 2,
            [Path("old-run/checkpoints/last.pt"), "is not a ContrastiveCrop checkpoint"]);
        yield return new("Resume_of_a_missing_folder", r => [Run, "--resume", System.IO.Path.Combine(r.Folder, "no-run")], 2, [Path("no-run"), "does not exist"]);
        yield return new("Resume_of_a_file", r => [Run, "--resume", r.Write("x", "file.txt")], 2, [Path("file.txt"), "is a file"]);
        yield return new("Resume_with_overrides", r => [Run, "--resume", FakeRun(r, checkpoint: null), "--set", "seed=1"], 2, ["do not pass a recipe or --set"]);
        yield return new("Evaluating_a_missing_checkpoint_file", r => ["eval", "checkpoint", System.IO.Path.Combine(r.Folder, "runs", "x", "checkpoints", "last.pt")], 2,
            [Path("runs/x/checkpoints/last.pt"), "does not exist"]);
        yield return new("Evaluating_random_without_a_recipe", _ => ["eval", "checkpoint", "random"], 2, ["needs --recipe"]);
        // The checkpoint reaches the recipe as from_checkpoint; the message names the argument typed, not a --set never written.
        yield return new("Evaluating_a_file_that_is_not_a_checkpoint", r => ["eval", "checkpoint", r.Write("not a checkpoint", "bad.pt"), "--recipe", r.Write(TinyRecipe.Text())], 2,
            ["error: eval checkpoint " + Path("bad.pt") + ": from_checkpoint:", "is not a checkpoint"]);

        // ---- data generators ----
        yield return new("Generated_images_too_small", _ => ["data", "generate", "objects-on-clutter", "--out", "{folder}/gen", "--size", "8"], 2,
            ["--size must be between 16 and 1024", "got 8"]);
        yield return new("Detection_set_with_eleven_classes", _ => ["data", "generate", "detection", "--out", "{folder}/gen", "--classes", "11"], 2,
            ["--classes must be between 1 and 10"]);
        yield return new("Generator_output_cannot_be_created", _ => ["data", "generate", "detection", "--out", "/proc/ccrop-generated", "--count", "2"], 2,
            ["--out '/proc/ccrop-generated': cannot write the data set there", "choose a writable folder"]);
        yield return new("Export_out_that_cannot_be_written", r => ["export", Fixture("resnet50.safetensors"), "--format", "torchvision", "--out", "/proc/ccrop-export.pth"], 2,
            ["--out '/proc/ccrop-export.pth': cannot write the export there", "choose a writable folder"]);
        yield return new("Export_out_that_is_a_folder", r => ["export", Fixture("resnet50.safetensors"), "--format", "safetensors", "--out", r.Folder], 2,
            ["--out '{folder}' is a folder: give the file to write"]);
        yield return new("Generator_output_is_a_file", r => ["data", "generate", "objects-on-clutter", "--out", r.Write("x", "taken"), "--count", "2", "--size", "16"], 2,
            [Path("taken")]);

        // ---- compare: an error in a cell's own setting names the option typed, not a --set never written ----
        yield return new("Compare_value_out_of_range", r => ["compare", r.Write(TinyRecipe.Text()), "--vary", "pretrain.lr=[0.1, -1]"], 2,
            ["--vary pretrain.lr=[0.1, -1] (the value -1): pretrain.lr: must be positive"]);
        yield return new("Compare_value_larger_than_the_data", r => ["compare", r.Write(TinyRecipe.Text()), "--vary", "pretrain.batch_size=[16, 64]"], 2,
            ["--vary pretrain.batch_size=[16, 64] (the value 64)", "only 48 images"]);
        yield return new("Compare_out_is_a_file", r => ["compare", r.Write(TinyRecipe.Text()), "--vary", "pretrain.lr=[0.1, 0.2]", "--out", r.Write("x", "taken.txt")], 2,
            ["--out " + Path("taken.txt") + ": output_dir:", Path("taken.txt") + "' is a file"]);

        // ---- run listings ----
        yield return new("Runs_list_of_a_missing_folder", _ => ["runs", "list", "{folder}/nowhere"], 2, [Path("nowhere") + "' does not exist", "pass the folder your runs are in"]);
        yield return new("Runs_list_of_a_file", r => ["runs", "list", r.Write(TinyRecipe.Text())], 2, [Path("recipe.yaml") + "' is a file, not a folder", "pass the folder your runs are in"]);

        // ---- other commands' files and options ----
        yield return new("Crop_preview_out_is_a_folder", r =>
        {
            Directory.CreateDirectory(System.IO.Path.Combine(r.Folder, "sheets"));
            return ["crops", "preview", r.Write(TinyRecipe.Text()), "--out", System.IO.Path.Combine(r.Folder, "sheets")];
        }, 2, ["--out '" + Path("sheets") + "' is a folder", "give the image file to write"]);
        yield return new("Coco_results_file_cut_off", r =>
        {
            var set = System.IO.Path.Combine(r.Folder, "detection");
            ContrastiveCrop.Data.DetectionSetGenerator.Generate(set, new ContrastiveCrop.Data.DetectionSetGenerator.Settings(2, 2, 48, Seed: 1, Classes: 2));
            var results = r.Write("[{\"image_id\": 1, \"category_id\": 1, \"score\": 0.5,\n \"bbox\": [1, 2, 3", "results.json");
            return ["eval", "coco", "--gt", System.IO.Path.Combine(set, "annotations", "instances_test.json"), "--results", results];
        }, 2, [Path("results.json") + ": line 2, column ", "not valid JSON", "Fix or regenerate the file"]);
        yield return new("Coco_evaluation_of_an_unknown_iou_type", _ => ["eval", "coco", "--gt", "a.json", "--results", "b.json", "--iou-type", "keypoints"], 2,
            ["'keypoints' not recognized", "'bbox' 'segm'"]);

        // ---- the command line itself ----
        yield return new("Run_without_a_recipe", _ => [Run], 2, ["needs a recipe file"]);
        yield return new("Unknown_command", _ => ["frobnicate"], 2, ["frobnicate"]);
        yield return new("Unknown_option", r => [Run, r.Write(TinyRecipe.Text()), "--epochs", "3"], 2, ["--epochs"]);
    }

    /// <summary>A run folder as an interrupted run leaves it: recipe.yaml, and last.pt only when given.</summary>
    private static string FakeRun(TinyRecipe recipe, byte[]? checkpoint)
    {
        var run = System.IO.Path.Combine(recipe.Folder, "old-run");
        Directory.CreateDirectory(System.IO.Path.Combine(run, "checkpoints"));
        File.WriteAllText(System.IO.Path.Combine(run, "recipe.yaml"), TinyRecipe.Text());
        if (checkpoint is not null) File.WriteAllBytes(System.IO.Path.Combine(run, "checkpoints", "last.pt"), checkpoint);
        return run;
    }

    /// <summary>
    /// An instances file just over the 64 MiB that preflight still parses whole (so it is streamed), cut off inside its
    /// images array as an interrupted download leaves it: line 1 opens the array, then 2²⁰ image lines of 64 bytes.
    /// </summary>
    private static string LargeCocoCutOff(string set)
    {
        var path = System.IO.Path.Combine(set, "annotations", "large.json");
        using var file = File.Create(path);
        file.Write("{\"images\": [\n"u8);
        var line = Encoding.ASCII.GetBytes("{\"id\": 1, \"width\": 48, \"height\": 48, \"file_name\": \"a.jpg\"},".PadRight(63) + "\n");
        for (int i = 0; i < 1 << 20; i++) file.Write(line);
        file.Write("{\"id\": 2, \"wid"u8);
        return path;
    }

    /// <summary>
    /// A pretraining checkpoint written by the SDK's writer holding the tiny recipe's backbone (ResNet-18, small-data
    /// stem) at <paramref name="width"/>, as {folder}/other-width.pt.
    /// </summary>
    private static string CcropCheckpoint(TinyRecipe recipe, double width)
    {
        var path = System.IO.Path.Combine(recipe.Folder, "other-width.pt");
        using var network = new ContrastiveCrop.Plugins.Backbones.ResNet(new ContrastiveCrop.Plugins.Backbones.ResNetOptions(18, width, true));
        var info = new ContrastiveCrop.Sdk.Checkpoints.CheckpointInfo(ContrastiveCrop.Sdk.Checkpoints.CheckpointInfo.CurrentFormat, 1, 3, 6, 3, "SimClr", DateTime.UnixEpoch);
        ContrastiveCrop.Sdk.Checkpoints.CheckpointFile.Save(path, info, network.state_dict().Select(kv => KeyValuePair.Create("model/backbone." + kv.Key, kv.Value)));
        return path;
    }

    /// <summary>Ten anchors, each a mapping or sequence holding the previous one ten times: 10¹⁰ values in 600 bytes.</summary>
    private static string BillionLaughs(bool mappings)
    {
        var text = new StringBuilder("a0: &a0 [lol]\n");
        for (int i = 1; i <= 9; i++)
        {
            var items = Enumerable.Range(0, 10).Select(j => mappings ? $"k{j}: *a{i - 1}" : $"*a{i - 1}");
            text.Append($"a{i}: &a{i} {(mappings ? "{" : "[")}{string.Join(", ", items)}{(mappings ? "}" : "]")}\n");
        }
        return text.ToString();
    }
}
