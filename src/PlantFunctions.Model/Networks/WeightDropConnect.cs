using PlantFunctions.Model.Runtime;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace PlantFunctions.Model.Networks;

/// <summary>
/// Exact DropConnect on LSTM hidden-to-hidden weights while keeping the fast fused LSTM: before the forward pass the
/// raw weights are kept and raw * mask / (1 - p) is written in place; after the backward pass the gradient is
/// multiplied by the same mask / (1 - p) (the chain rule through the masked copy) and the raw weights are written back,
/// so the optimizer updates the raw weights. One mask per optimisation step.
/// </summary>
internal sealed class WeightDropConnect(Parameter[] weights) : IDisposable
{
    private readonly Tensor?[] raw = new Tensor?[weights.Length];
    private readonly Tensor?[] masks = new Tensor?[weights.Length];

    /// <summary>Drop probability.</summary>
    public double Probability { get; set; }

    /// <summary>Writes the dropped weights in place.</summary>
    public void Begin()
    {
        End();
        if (Probability <= 0)
        {
            return;
        }

        using var noGrad = no_grad();
        for (int i = 0; i < weights.Length; i++)
        {
            raw[i] = weights[i].detach().clone().DetachFromDisposeScope();
            masks[i] = empty_like(weights[i]).bernoulli_(1 - Probability).div_(HeldScalars.Of(1 - Probability)).DetachFromDisposeScope();
            weights[i].copy_(raw[i]! * masks[i]!);
        }
    }

    /// <summary>Scales the gradients and restores the raw weights; does nothing when no mask is applied.</summary>
    public void End()
    {
        using var noGrad = no_grad();
        for (int i = 0; i < weights.Length; i++)
        {
            if (raw[i] is null)
            {
                continue;
            }

            weights[i].grad?.mul_(masks[i]!);
            weights[i].copy_(raw[i]!);
            raw[i]!.Dispose();
            masks[i]!.Dispose();
            raw[i] = masks[i] = null;
        }
    }

    /// <inheritdoc />
    public void Dispose() => End();
}
