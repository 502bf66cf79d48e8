using System.Diagnostics;
using System.Reflection;
using static TorchSharp.torch;

namespace ContrastiveCrop.Sdk.Hooks;

/// <summary>
/// Wall time of named submodules' forward calls, measured from outside the model: a forward pre-hook and a
/// forward hook (TorchSharp's <c>register_forward_pre_hook</c> / <c>register_forward_hook</c>, as PyTorch's)
/// on each submodule, so the modules themselves hold no timing code. <see cref="Dispose"/> removes the hooks.
/// </summary>
/// <remarks>
/// TorchSharp runs a module's hooks only when it is invoked through <c>call(...)</c> (not <c>forward(...)</c>
/// directly), and only modules deriving from <c>nn.Module&lt;…, TResult&gt;</c> have them; a submodule that is not
/// such a module is refused when the timer is made. A stage accumulates over all calls of its module (a head that
/// runs twice per image counts twice). Stages should not nest if their sum is to mean anything.
/// </remarks>
public sealed class ModuleTimer : IDisposable
{
    private readonly Dictionary<string, double> _seconds = [];
    private readonly List<Action> _removers = [];
    private readonly Dictionary<nn.Module, long> _started = new(ReferenceEqualityComparer.Instance);
    private int _depth;

    /// <summary>
    /// Hooks the submodules of <paramref name="model"/> named in <paramref name="stages"/> (stage name, submodule name as
    /// in <c>named_modules()</c>, e.g. <c>("rpn", "proposal_generator")</c>).
    /// </summary>
    /// <exception cref="ArgumentException">A submodule is missing or cannot be hooked.</exception>
    public ModuleTimer(nn.Module model, IEnumerable<(string Stage, string Module)> stages)
    {
        var modules = model.named_modules().ToDictionary(m => m.name, m => m.module);
        try
        {
            foreach (var (stage, name) in stages)
            {
                if (!modules.TryGetValue(name, out var module))
                    throw new ArgumentException($"Stage '{stage}': the model has no submodule '{name}' (it has {string.Join(", ", modules.Keys.Where(k => !k.Contains('.')))}).", nameof(stages));
                _seconds[stage] = 0;
                _removers.Add(ForwardHooks.Attach(module, stage, m => Enter(m), m => Exit(m, stage)));
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Whether calls are being timed; a paused timer keeps its totals (e.g. while an evaluation runs during training).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Seconds spent in each stage's module so far, in the order the stages were given.</summary>
    public IReadOnlyDictionary<string, double> Seconds => _seconds;

    /// <summary>Whether the hooks are still attached.</summary>
    public bool Attached => _removers.Count > 0;

    /// <summary>When an outermost timed call starts (a <see cref="Stopwatch"/> timestamp).</summary>
    internal Action<long>? OutermostEntered { get; set; }

    /// <summary>When an outermost timed call returns (a <see cref="Stopwatch"/> timestamp).</summary>
    internal Action<long>? OutermostExited { get; set; }

    /// <summary>Sets every total to zero.</summary>
    public void Clear()
    {
        foreach (var stage in _seconds.Keys.ToList()) _seconds[stage] = 0;
    }

    /// <summary>Forgets calls in flight (a step that failed inside a forward pass never saw their ends).</summary>
    internal void ForgetCallsInFlight()
    {
        _started.Clear();
        _depth = 0;
    }

    /// <summary>Removes the hooks from the modules; the totals stay readable.</summary>
    public void Dispose()
    {
        foreach (var remove in _removers) remove();
        _removers.Clear();
        _started.Clear();
    }

    private void Enter(nn.Module module)
    {
        if (!Enabled) return;
        long now = Stopwatch.GetTimestamp();
        _started[module] = now;
        if (_depth++ == 0) OutermostEntered?.Invoke(now);
    }

    private void Exit(nn.Module module, string stage)
    {
        // A call that began while paused (or before a Clear) is not counted.
        if (!Enabled || !_started.Remove(module, out long start)) return;
        long now = Stopwatch.GetTimestamp();
        _seconds[stage] += Stopwatch.GetElapsedTime(start, now).TotalSeconds;
        if (--_depth == 0) OutermostExited?.Invoke(now);
    }

    /// <summary>
    /// TorchSharp's module hooks by reflection: <c>register_forward_pre_hook(Action&lt;Module&gt;)</c> and its
    /// post-hook twin live on the generic <c>HookableModule&lt;TPre, TPost&gt;</c>, which a plain <c>nn.Module</c>
    /// reference cannot name; each returns a <c>HookRemover</c> whose <c>remove()</c> detaches it.
    /// </summary>
    private static class ForwardHooks
    {
        public static Action Attach(nn.Module module, string stage, Action<nn.Module> before, Action<nn.Module> after)
        {
            var pre = Register(module, stage, "register_forward_pre_hook", before);
            var post = Register(module, stage, "register_forward_hook", after);
            return () => { pre(); post(); };
        }

        private static Action Register(nn.Module module, string stage, string method, Action<nn.Module> hook)
        {
            var register = module.GetType().GetMethod(method, BindingFlags.Public | BindingFlags.Instance, [typeof(Action<nn.Module>)])
                ?? throw new ArgumentException(
                    $"Stage '{stage}': {module.GetType().Name} is not a TorchSharp nn.Module<…, TResult> (no {method}); only modules invoked through call(...) can be timed from outside.");
            var remover = register.Invoke(module, [hook])!;
            var remove = remover.GetType().GetMethod("remove", BindingFlags.Public | BindingFlags.Instance, Type.EmptyTypes)!;
            return () => remove.Invoke(remover, null);
        }
    }
}
