// Loaded generators, a few at a time: loading verifies and reads a whole checkpoint, so the recently used ones
// stay in memory (least recently used goes first), and each is used by one request at a time because the
// engine's layers keep their activations in per-layer buffers.
namespace Dcgan.Dashboard;

using Dcgan.Training;

/// <summary>A bounded LRU cache of <see cref="Sampler"/>s with one lock per sampler.</summary>
internal sealed class SamplerCache(int capacity)
{
    private readonly object _gate = new();
    private readonly LinkedList<Entry> _order = new();
    private readonly Dictionary<string, LinkedListNode<Entry>> _byKey = new(StringComparer.Ordinal);

    private sealed class Entry(string key)
    {
        public string Key { get; } = key;

        public SemaphoreSlim Lock { get; } = new(1, 1);

        public Sampler? Sampler { get; set; }
    }

    /// <summary>Number of samplers held (for tests).</summary>
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

    /// <summary>
    /// Runs <paramref name="work"/> with the generator of <paramref name="checkpoint"/>, loading it first if needed.
    /// A checkpoint rewritten since it was loaded (other size or time) is loaded again.
    /// </summary>
    public async Task<T> UseAsync<T>(string checkpoint, Func<Sampler, T> work, CancellationToken cancel)
    {
        var info = new FileInfo(checkpoint);
        string key = $"{info.FullName}|{info.Length}|{info.LastWriteTimeUtc.Ticks}";
        Entry entry;
        lock (_gate)
        {
            if (_byKey.TryGetValue(key, out var node))
            {
                _order.Remove(node);
                _order.AddFirst(node);
                entry = node.Value;
            }
            else
            {
                entry = new Entry(key);
                _byKey[key] = _order.AddFirst(entry);
                while (_order.Count > Math.Max(1, capacity))
                {
                    // An evicted sampler still in use finishes its request; it is just no longer found.
                    _byKey.Remove(_order.Last!.Value.Key);
                    _order.RemoveLast();
                }
            }
        }
        await entry.Lock.WaitAsync(cancel).ConfigureAwait(false);
        try
        {
            if (entry.Sampler is null)
            {
                try
                {
                    entry.Sampler = Sampler.Open(checkpoint);
                }
                catch
                {
                    // A checkpoint that fails to load is not kept: the next request reads it again (it may be fixed).
                    Forget(entry);
                    throw;
                }
            }
            return work(entry.Sampler);
        }
        finally
        {
            entry.Lock.Release();
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
