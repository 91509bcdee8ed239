// Loaded generators, a few at a time: loading verifies a whole checkpoint and builds a generator, so the recently used
// ones stay in memory (least recently used goes first), and each is used by one request at a time because the engine's
// layers keep their activations in per-layer buffers. An evicted generator leaves the cache as soon as no request uses
// it, and the next load of the same architecture reuses its arrays instead of leaving them to the garbage collector.
namespace Dcgan.Dashboard;

using Dcgan.Models;
using Dcgan.Training;

/// <summary>A bounded LRU cache of <see cref="Sampler"/>s with one lock per sampler.</summary>
/// <remarks>
/// Generators alive at once (<see cref="Loaded"/>): at most <c>capacity</c> in the cache, plus one per request still
/// drawing with a generator evicted meanwhile (the server's <see cref="DrawQueue"/> runs at most <c>concurrent</c>),
/// plus evicted ones kept for reuse; a new generator is built only when no evicted one is left, so the total never
/// exceeds <c>capacity + concurrent</c>.
/// </remarks>
internal sealed class SamplerCache(int capacity, int concurrent = 1)
{
    private readonly object _gate = new();
    private readonly LinkedList<Entry> _order = new();
    private readonly Dictionary<string, LinkedListNode<Entry>> _byKey = new(StringComparer.Ordinal);
    private readonly List<GeneratorModel> _spares = [];
    private int _loaded;

    private sealed class Entry(string key)
    {
        public string Key { get; } = key;

        public SemaphoreSlim Lock { get; } = new(1, 1);

        /// <summary>Set and cleared only while <see cref="Lock"/> is held.</summary>
        public Sampler? Sampler { get; set; }

        /// <summary>No longer in the cache: its sampler goes when the request using it is done.</summary>
        public bool Evicted { get; set; }
    }

    /// <summary>Entries in the cache (for tests).</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _byKey.Count;
            }
        }
    }

    /// <summary>Generators alive: in the cache, still drawing after their eviction, or kept for reuse (for tests).</summary>
    public int Loaded => Volatile.Read(ref _loaded);

    /// <summary>The bound on <see cref="Loaded"/>.</summary>
    public int MaxLoaded => Math.Max(1, capacity) + concurrent;

    /// <summary>
    /// Runs <paramref name="work"/> with the generator of <paramref name="checkpoint"/>, loading it first if needed.
    /// A checkpoint rewritten since it was loaded (other size or time) is loaded again.
    /// </summary>
    public async Task<T> UseAsync<T>(string checkpoint, Func<Sampler, T> work, CancellationToken cancel)
    {
        var info = new FileInfo(checkpoint);
        string key = $"{info.FullName}|{info.Length}|{info.LastWriteTimeUtc.Ticks}";
        while (true)
        {
            var entry = Find(key);
            await entry.Lock.WaitAsync(cancel).ConfigureAwait(false);
            try
            {
                if (entry.Evicted)
                {
                    // Evicted while this request waited: look again rather than load into an entry the cache no longer holds.
                    continue;
                }
                if (entry.Sampler is null)
                {
                    bool taken = false;
                    try
                    {
                        entry.Sampler = Sampler.Open(checkpoint, options =>
                        {
                            taken = true;
                            return TakeSpare(options);
                        });
                    }
                    catch
                    {
                        if (taken)
                        {
                            // The generator it was loading into holds part of a file: it goes.
                            Interlocked.Decrement(ref _loaded);
                        }
                        // A checkpoint that fails to load is not kept: the next request reads it again (it may be fixed).
                        Forget(entry);
                        throw;
                    }
                }
                return work(entry.Sampler);
            }
            finally
            {
                if (entry.Evicted)
                {
                    Drop(entry);
                }
                entry.Lock.Release();
            }
        }
    }

    /// <summary>The entry for <paramref name="key"/>, made most recently used; a new one evicts the least recently used.</summary>
    private Entry Find(string key)
    {
        lock (_gate)
        {
            if (_byKey.TryGetValue(key, out var node))
            {
                _order.Remove(node);
                _order.AddFirst(node);
                return node.Value;
            }
            var entry = new Entry(key);
            _byKey[key] = _order.AddFirst(entry);
            while (_order.Count > Math.Max(1, capacity))
            {
                var evicted = _order.Last!.Value;
                _byKey.Remove(evicted.Key);
                _order.RemoveLast();
                evicted.Evicted = true;
                // Unused right now: drop its generator at once. In use: the request drops it when it is done.
                if (evicted.Lock.Wait(0))
                {
                    Drop(evicted);
                    evicted.Lock.Release();
                }
            }
            return entry;
        }
    }

    /// <summary>Takes an evicted generator of <paramref name="options"/> to load into, or counts the one about to be built.</summary>
    private GeneratorModel? TakeSpare(ModelOptions options)
    {
        lock (_gate)
        {
            int same = _spares.FindIndex(g => g.Options == options);
            if (same >= 0)
            {
                var spare = _spares[same];
                _spares.RemoveAt(same);
                return spare;
            }
            if (_spares.Count > 0)
            {
                // Another architecture: its place goes to the one being built.
                _spares.RemoveAt(0);
                Interlocked.Decrement(ref _loaded);
            }
            Interlocked.Increment(ref _loaded);
            return null;
        }
    }

    /// <summary>Takes the generator out of an evicted entry (its lock is held) and keeps it for the next load.</summary>
    private void Drop(Entry entry)
    {
        if (entry.Sampler is { } sampler)
        {
            entry.Sampler = null;
            lock (_gate)
            {
                _spares.Add(sampler.Generator);
            }
        }
    }

    private void Forget(Entry entry)
    {
        lock (_gate)
        {
            if (_byKey.TryGetValue(entry.Key, out var node) && node.Value == entry)
            {
                _byKey.Remove(entry.Key);
                _order.Remove(node);
            }
        }
    }
}
