namespace SampleCnn.Tests.Inference;

/// <summary>A fact that needs Debian's python3-torch (bench/ uses it too); skipped, saying why, where it is missing.</summary>
public sealed class PyTorchFactAttribute : FactAttribute
{
    public PyTorchFactAttribute()
    {
        if (!PyTorchReference.Available) Skip = $"{PyTorchReference.Python} with torch is not installed (apt-get install python3-torch)";
    }
}
