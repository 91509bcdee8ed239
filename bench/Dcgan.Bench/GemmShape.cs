// The SGEMM shapes the DCGAN layers produce at batch 256, with the transpositions the engine uses.
namespace Dcgan.Bench;

/// <summary>One GEMM problem: C (M x N) = op(A) (M x K) * op(B) (K x N), with operands allocated and filled.</summary>
public sealed class GemmShape
{
    public GemmShape(string name, int m, int n, int k, bool transA, bool transB)
    {
        Name = name;
        M = m;
        N = n;
        K = k;
        TransA = transA;
        TransB = transB;
    }

    /// <summary>Every layer shape, in network order.</summary>
    public static IReadOnlyList<GemmShape> All { get; } =
    [
        new("G.dense.fwd", 256, 12544, 100, false, false),
        new("G.dense.dW", 100, 12544, 256, true, false),
        new("G.dense.dX", 256, 100, 12544, false, true),
        new("G.ct1.fwd", 12544, 3200, 256, false, true),
        new("G.ct1.dX", 12544, 256, 3200, false, false),
        new("G.ct1.dW", 3200, 256, 12544, true, false),
        new("G.ct2.fwd", 12544, 1600, 128, false, true),
        new("G.ct2.dX", 12544, 128, 1600, false, false),
        new("G.ct2.dW", 1600, 128, 12544, true, false),
        new("G.ct3.fwd", 50176, 25, 64, false, true),
        new("G.ct3.dX", 50176, 64, 25, false, false),
        new("G.ct3.dW", 25, 64, 50176, true, false),
        new("D.conv1.fwd", 50176, 64, 25, false, false),
        new("D.conv1.dW", 25, 64, 50176, true, false),
        new("D.conv1.dX", 50176, 25, 64, false, true),
        new("D.conv2.fwd", 12544, 128, 1600, false, false),
        new("D.conv2.dW", 1600, 128, 12544, true, false),
        new("D.conv2.dX", 12544, 1600, 128, false, true),
        new("D.dense.fwd", 256, 1, 6272, false, false),
        new("D.dense.dW", 6272, 1, 256, true, false),
        new("D.dense.dX", 256, 6272, 1, false, true),
    ];

    public string Name { get; }

    public int M { get; }

    public int N { get; }

    public int K { get; }

    public bool TransA { get; }

    public bool TransB { get; }

    public float[] A { get; private set; } = [];

    public float[] B { get; private set; } = [];

    public float[] C { get; private set; } = [];

    public int Lda => TransA ? M : K;

    public int Ldb => TransB ? K : N;

    /// <summary>Floating-point operations of one product (a multiply-add counts two).</summary>
    public double Flops => 2.0 * M * N * K;

    /// <summary>Allocates the operands with reproducible pseudo-random values.</summary>
    public void Allocate()
    {
        var rng = new Random(42);
        A = new float[(long)M * K > 0 ? M * K : 0];
        B = new float[K * N];
        C = new float[M * N];
        for (int i = 0; i < A.Length; i++)
        {
            A[i] = rng.NextSingle() - 0.5f;
        }
        for (int i = 0; i < B.Length; i++)
        {
            B[i] = rng.NextSingle() - 0.5f;
        }
    }

    /// <summary>Drops the operands so the next shape's memory is not held.</summary>
    public void Release()
    {
        A = [];
        B = [];
        C = [];
    }

    /// <summary>Runs the product once, overwriting C.</summary>
    public void Run() => Dcgan.Kernels.Gemm.Sgemm(TransA, TransB, M, N, K, A, Lda, B, Ldb, 0f, C, N);

    /// <summary>The layer name alone: BenchmarkDotNet cuts longer parameter texts, and names are unique.</summary>
    public override string ToString() => Name;
}
