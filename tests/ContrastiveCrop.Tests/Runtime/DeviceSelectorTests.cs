using ContrastiveCrop.Engine.Runtime;
using NUnit.Framework;

namespace ContrastiveCrop.Tests.Runtime;

[TestFixture]
public sealed class DeviceSelectorTests
{
    [Test]
    public void Auto_picks_cuda_when_present_and_cpu_otherwise()
    {
        Assert.That(DeviceSelector.Resolve("auto", "device", () => 0), Is.EqualTo("cpu"));
        Assert.That(DeviceSelector.Resolve("auto", "device", () => 1), Is.EqualTo("cuda"));
    }

    [Test]
    public void Asking_for_cuda_without_a_gpu_names_the_key_and_the_alternatives()
    {
        var error = Assert.Throws<DeviceException>(() => DeviceSelector.Resolve("cuda", "recipe.yaml:2:9 (device)", () => 0))!;
        Assert.That(error.Message, Does.StartWith("recipe.yaml:2:9 (device): device 'cuda' was asked for, but no CUDA device is available"));
        Assert.That(error.Message, Does.Contain("Use 'device: cpu' or 'device: auto'"));
    }

    [Test]
    public void An_unknown_device_is_refused_with_the_accepted_values()
    {
        var error = Assert.Throws<DeviceException>(() => DeviceSelector.Resolve("tpu", "device", () => 0))!;
        Assert.That(error.Message, Is.EqualTo("device: device 'tpu' is not one of auto, cpu, cuda, cuda:N."));
    }

    [TestCase("gpu")]
    [TestCase("cuda0")]
    [TestCase("GPU:1")]
    public void A_gpu_written_another_way_is_refused_with_the_name_used_here(string requested)
    {
        var error = Assert.Throws<DeviceException>(() => DeviceSelector.Resolve(requested, "device", () => 2))!;
        Assert.That(error.Message, Does.Contain($"device '{requested}' is not one of auto, cpu, cuda, cuda:N."));
        Assert.That(error.Message, Does.Contain("For a GPU write 'cuda'"));
    }

    [Test]
    public void An_indexed_cuda_device_is_kept_when_that_gpu_exists()
    {
        Assert.That(DeviceSelector.Resolve("cuda:1", "device", () => 2), Is.EqualTo("cuda:1"));
        Assert.That(DeviceSelector.Resolve("cuda:0", "device", () => 1), Is.EqualTo("cuda:0"));
    }

    [TestCase("cuda:7", 2, "this machine has 2 CUDA device(s), cuda:0 to cuda:1")]
    [TestCase("cuda:1", 1, "this machine has 1 CUDA device(s), cuda:0.")]
    public void A_cuda_index_past_the_last_gpu_names_the_gpus_there_are(string requested, int gpus, string expected)
    {
        var error = Assert.Throws<DeviceException>(() => DeviceSelector.Resolve(requested, "device", () => gpus))!;
        Assert.That(error.Message, Does.StartWith($"device: device '{requested}' was asked for, but"));
        Assert.That(error.Message, Does.Contain(expected));
    }

    [TestCase("cuda:x")]
    [TestCase("cuda:")]
    [TestCase("cuda:-1")]
    [TestCase("cuda:+1")]
    [TestCase("cuda:99999999999")]
    public void A_malformed_cuda_index_is_refused_whatever_the_gpus(string requested)
    {
        var error = Assert.Throws<DeviceException>(() => DeviceSelector.Resolve(requested, "device", () => 8))!;
        Assert.That(error.Message, Does.Contain($"device '{requested}' is not one of auto, cpu, cuda, cuda:N"));
    }

    [Test]
    public void Cpu_is_cpu_even_when_a_gpu_exists()
    {
        Assert.That(DeviceSelector.Resolve("CPU", "device", () => 1), Is.EqualTo("cpu"));
    }
}
