using SampleCnn.Platform;
using TorchSharp;
using static TorchSharp.torch;

namespace SampleCnn.Tests.Platform;

public class NativeRuntimeTests
{
    [Fact]
    public void NativeTorchLoadsAndComputes()
    {
        // Fails with "version GLIBCXX_3.4.32 not found" on Debian 12 unless the build-time fix ran.
        using var a = tensor(new float[] { 1, 2, 3, 4 }).reshape(2, 2);
        using var b = tensor(new float[] { 5, 6, 7, 8 }).reshape(2, 2);
        using var c = matmul(a, b);
        Assert.Equal(new float[] { 19, 22, 43, 50 }, c.data<float>().ToArray());
    }

    [Fact]
    public void TorchUsesEveryCore()
    {
        NativeRuntime.Initialize();
        Assert.Equal(Environment.ProcessorCount, get_num_threads());
    }

    [Theory]
    [InlineData("cpu")]
    [InlineData("auto")]
    [InlineData(" CPU ")]
    public void DeviceChoiceResolvesToAnAvailableDevice(string choice)
    {
        var expected = choice.Trim() == "auto" && cuda.is_available() ? DeviceType.CUDA : DeviceType.CPU;
        Assert.Equal(expected, DeviceChoice.Resolve(choice).type);
    }

    [Fact]
    public void UnknownOrMissingDeviceIsAClearError()
    {
        var bad = Assert.Throws<OptionException>(() => DeviceChoice.Resolve("gpu"));
        Assert.Equal("device 'gpu': expected one of auto, cpu, cuda", bad.Message);
        Assert.Equal("device", bad.Option);
        if (!cuda.is_available())
            Assert.Contains("no CUDA device", Assert.Throws<OptionException>(() => DeviceChoice.Resolve("cuda")).Message);
    }
}
