// The hook behind `dcgan bench --estimate-threads`: while one is set, the worker pool runs each parallel call's tasks one
// after another on the calling thread and reports how long each took, so the split of a step's work over N threads can
// be judged on a machine with fewer cores.
namespace Dcgan.Kernels;

/// <summary>Told the durations of the tasks of each parallel call while it is <see cref="Workers.Recorder"/>.</summary>
public interface IWorkRecorder
{
    /// <summary>
    /// One <see cref="Workers.For"/> call ran; <paramref name="taskTicks"/>[i] is task i's time in
    /// <see cref="System.Diagnostics.Stopwatch"/> ticks (nested calls inside a task are part of it).
    /// </summary>
    void Ran(ReadOnlySpan<long> taskTicks);
}
