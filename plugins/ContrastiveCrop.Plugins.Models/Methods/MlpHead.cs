using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ContrastiveCrop.Plugins.Methods;

/// <summary>
/// Builds the projection (and prediction) heads of Siamese methods: <c>Linear</c> layers with
/// optional <c>BatchNorm1d</c> and a ReLU between them. Layers are numbered 0, 1, … as in a
/// PyTorch <c>nn.Sequential</c>, so state_dict names match the reference implementations.
/// </summary>
public static class MlpHead
{
    /// <summary>
    /// <paramref name="layers"/> linear layers: input → hidden → … → hidden → output. Every layer but
    /// the last is followed by [BatchNorm1d] and ReLU; one layer is a plain linear map (MoCo v1).
    /// </summary>
    /// <param name="inputDim">Width of the backbone's feature.</param>
    /// <param name="hiddenDim">Width of the hidden layers.</param>
    /// <param name="outputDim">Width of the embedding the loss sees.</param>
    /// <param name="layers">Number of linear layers, at least 1.</param>
    /// <param name="hiddenBatchNorm">Put a BatchNorm1d after each hidden linear layer (SimCLR's paper, BYOL).</param>
    /// <param name="outputBatchNorm">Put an affine-free BatchNorm1d after the last layer (SimSiam's projector).</param>
    public static Sequential Create(int inputDim, int hiddenDim, int outputDim, int layers = 2,
                                    bool hiddenBatchNorm = false, bool outputBatchNorm = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(layers, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(inputDim, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(hiddenDim, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outputDim, 1);

        var modules = new List<nn.Module<Tensor, Tensor>>();
        int width = inputDim;
        for (int i = 0; i < layers - 1; i++)
        {
            // A bias right before batch norm is cancelled by its mean subtraction.
            modules.Add(nn.Linear(width, hiddenDim, hasBias: !hiddenBatchNorm));
            if (hiddenBatchNorm) modules.Add(nn.BatchNorm1d(hiddenDim));
            modules.Add(nn.ReLU());
            width = hiddenDim;
        }
        modules.Add(nn.Linear(width, outputDim, hasBias: !outputBatchNorm));
        if (outputBatchNorm) modules.Add(nn.BatchNorm1d(outputDim, affine: false));
        return nn.Sequential(modules);
    }
}
