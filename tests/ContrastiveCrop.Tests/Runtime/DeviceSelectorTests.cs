using ContrastiveCrop.Engine.Runtime;
using NUnit.Framework;

namespace ContrastiveCrop.Tests.Runtime;

[TestFixture]
public sealed class DeviceSelectorTests
{
    [Test]
    public void Auto_picks_cuda_when_present_and_cpu_otherwise()
    {
        Assert.That(DeviceSelector.Resolve("auto", "device", () => false), Is.EqualTo("cpu"));
        Assert.That(DeviceSelector.Resolve("auto", "device", () => true), Is.EqualTo("cuda"));
    }

    [Test]
    public void Asking_for_cuda_without_a_gpu_names_the_key_and_the_alternatives()
    {
        var error = Assert.Throws<ArgumentException>(() => DeviceSelector.Resolve("cuda", "recipe.yaml:2:9 (device)", () => false))!;
        Assert.That(error.Message, Does.StartWith("recipe.yaml:2:9 (device): device 'cuda' was asked for, but no CUDA device is available"));
        Assert.That(error.Message, Does.Contain("Use 'device: cpu' or 'device: auto'"));
    }

    [Test]
    public void An_unknown_device_is_refused_with_the_accepted_values()
    {
        var error = Assert.Throws<ArgumentException>(() => DeviceSelector.Resolve("tpu", "device", () => false))!;
        Assert.That(error.Message, Is.EqualTo("device: device 'tpu' is not one of auto, cpu, cuda, cuda:N."));
    }

    [Test]
    public void An_indexed_cuda_device_is_kept_when_a_gpu_exists()
    {
        Assert.That(DeviceSelector.Resolve("cuda:1", "device", () => true), Is.EqualTo("cuda:1"));
        Assert.Throws<ArgumentException>(() => DeviceSelector.Resolve("cuda:x", "device", () => true));
    }

    [Test]
    public void Cpu_is_cpu_even_when_a_gpu_exists()
    {
        Assert.That(DeviceSelector.Resolve("CPU", "device", () => true), Is.EqualTo("cpu"));
    }
}
