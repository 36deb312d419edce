namespace SampleCnn.Models;

/// <summary>A module that writes itself into an ONNX graph (<see cref="OnnxGraph"/>), as its eval-mode forward.</summary>
internal interface IOnnxNodes
{
    /// <param name="name">The module's state_dict prefix, e.g. "blocks.0", naming its weights.</param>
    /// <returns>The name of the module's output.</returns>
    string AddTo(OnnxGraph graph, string name, string input);
}
