// The kinds of parameter tensor in the whole-model golden cases; each picks the scale of the weight
// formula in tests/golden/README.md.
namespace Dcgan.TestSupport;

/// <summary>Parameter kind: kernel = glorot limit * s, bias and beta = 0.1 * s, gamma = 1 + 0.1 * s.</summary>
public enum GoldenParamKind
{
    /// <summary>glorot limit * s.</summary>
    Kernel,

    /// <summary>0.1 * s.</summary>
    Bias,

    /// <summary>1 + 0.1 * s.</summary>
    Gamma,

    /// <summary>0.1 * s.</summary>
    Beta,
}
