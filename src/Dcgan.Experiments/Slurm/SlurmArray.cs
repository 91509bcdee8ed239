// An experiment as a Slurm job array: the folder DIR/slurm/ (experiment.json, the file the tasks read;
// experiment.sbatch; logs/task-<i>.log; jobs, one "JOBID INDICES" line per submission), the sbatch script, and what
// Slurm says about each variant's task. Task i runs variant i of the plan with `dcgan experiment --variant`
// (ExperimentRunner.RunVariant: train, resume from the newest checkpoint, measure, rewrite the reports).
namespace Dcgan.Experiments.Slurm;

using System.Globalization;
using System.Text;
using Dcgan.Imaging;

/// <summary>The Slurm side of one experiment folder.</summary>
public sealed class SlurmArray(ExperimentPlan plan, string root)
{
    public string Dir { get; } = Path.Combine(Path.GetFullPath(root), "slurm");

    public string ScriptPath => Path.Combine(Dir, "experiment.sbatch");

    /// <summary>The copy of the experiment file the tasks read, so editing or moving the original cannot change a queued task.</summary>
    public string FilePath => Path.Combine(Dir, "experiment.json");

    public string LogsDir => Path.Combine(Dir, "logs");

    public string JobsPath => Path.Combine(Dir, "jobs");

    /// <summary>Task <paramref name="index"/>'s stdout and stderr, appended to across requeues.</summary>
    public string LogPath(int index) => Path.Combine(LogsDir, string.Create(CultureInfo.InvariantCulture, $"task-{index}.log"));

    /// <summary>The array job script for the variants at <paramref name="indices"/> (positions in the plan).</summary>
    public string Script(IReadOnlyList<int> indices, SlurmSettings settings)
    {
        string rootDir = Path.GetFullPath(Path.Combine(Dir, ".."));
        var sb = new StringBuilder();
        sb.Append("#!/bin/bash\n");
        sb.Append("# Experiment ").Append(OneLine(plan.File.Name)).Append(" as a Slurm job array, written by `dcgan experiment --slurm`.\n");
        sb.Append("# Task i trains variant i into ").Append(rootDir).Append("/<variant>/ as `dcgan train` with the flags below\n");
        sb.Append("# would, resuming from its newest checkpoint when it has one (a requeued or preempted task continues), measures\n");
        sb.Append("# its quality as the in-process experiment does, and rewrites report.md and report.html. On SIGTERM (scancel,\n");
        sb.Append("# preemption, the time limit) dcgan writes a checkpoint and exits 130.\n");
        for (int i = 0; i < plan.Variants.Count; i++)
        {
            var v = plan.Variants[i];
            sb.Append("#   ").Append(i.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(v.Name).Append(": dcgan train ")
              .AppendJoin(' ', plan.TrainArguments(v).Select(Quote)).Append(" --out ").Append(Quote(Path.Combine(rootDir, v.Name))).Append('\n');
        }
        sb.Append("#SBATCH --job-name=").Append(JobName()).Append('\n');
        sb.Append("#SBATCH --array=").Append(ArraySpec(indices)).Append('\n');
        sb.Append("#SBATCH --requeue\n");
        sb.Append("#SBATCH --open-mode=append\n");
        // sbatch reads "%" in a file name as a pattern ("%%" is a percent sign) and takes a double-quoted value whole.
        string logs = LogsDir.Replace("%", "%%", StringComparison.Ordinal);
        sb.Append("#SBATCH --output=").Append(logs.Contains(' ', StringComparison.Ordinal) ? $"\"{logs}/task-%a.log\"" : $"{logs}/task-%a.log").Append('\n');
        if (settings.Partition is { } partition)
        {
            sb.Append("#SBATCH --partition=").Append(partition).Append('\n');
        }
        if (settings.Time is { } time)
        {
            sb.Append("#SBATCH --time=").Append(time).Append('\n');
        }
        if (settings.CpusPerTask is int cpus)
        {
            sb.Append("#SBATCH --cpus-per-task=").Append(cpus.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }
        sb.Append("set -u\n");
        sb.Append("variants=(").AppendJoin(' ', plan.Variants.Select(v => Quote(v.Name))).Append(")\n");
        sb.Append("name=\"${variants[$SLURM_ARRAY_TASK_ID]}\"\n");
        sb.Append("echo \"[slurm] task ${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}, variant $name, restart ${SLURM_RESTART_COUNT:-0}, on $(hostname) at $(date -Is)\"\n");
        sb.Append("# In the background so that this shell can pass SIGTERM on and wait for the checkpoint instead of dying first.\n");
        sb.AppendJoin(' ', settings.Command.Select(Quote)).Append(" experiment ").Append(Quote(FilePath))
          .Append(" --variant \"$name\" --out ").Append(Quote(rootDir));
        foreach (string a in settings.ExperimentArguments)
        {
            sb.Append(' ').Append(Quote(a));
        }
        sb.Append(" --threads \"${SLURM_CPUS_PER_TASK:-0}\" &\n");
        sb.Append("child=$!\n");
        sb.Append("trap 'kill -TERM \"$child\" 2>/dev/null' TERM INT\n");
        sb.Append("while :; do wait \"$child\"; rc=$?; kill -0 \"$child\" 2>/dev/null || break; done\n");
        sb.Append("echo \"[slurm] variant $name: exit code $rc at $(date -Is)\"\n");
        sb.Append("exit \"$rc\"\n");
        return sb.ToString();
    }

    /// <summary>
    /// Writes DIR/slurm/ (the copy of <paramref name="experimentFile"/>, the script, the logs folder) and submits the
    /// array for the variants at <paramref name="indices"/>; returns the job id, or null for a dry run (files only). When
    /// writing or sbatch fails, the folder is put back as it was: nothing half-written, an earlier submission's files kept.
    /// </summary>
    /// <exception cref="SlurmException">sbatch failed.</exception>
    /// <exception cref="IOException">The files could not be written.</exception>
    public string? Submit(IReadOnlyList<int> indices, SlurmSettings settings, string experimentFile, bool dryRun)
    {
        var undo = new Stack<Action>();
        try
        {
            byte[] file = File.ReadAllBytes(experimentFile);
            // The folders this call creates, outermost first, so that undoing removes exactly those.
            var missing = new List<string>();
            for (string? dir = LogsDir; dir is not null && !Directory.Exists(dir); dir = Path.GetDirectoryName(dir))
            {
                missing.Insert(0, dir);
            }
            foreach (string dir in missing)
            {
                Directory.CreateDirectory(dir);
                undo.Push(() => Directory.Delete(dir, recursive: true));
            }
            Replace(FilePath, file, undo);
            Replace(ScriptPath, System.Text.Encoding.UTF8.GetBytes(Script(indices, settings)), undo);
            if (dryRun)
            {
                return null;
            }
            string job = SlurmClient.Submit(ScriptPath);
            undo.Clear();
            try
            {
                RecordJob(job, indices);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new IOException($"job {job} was submitted, but {JobsPath} could not record it ({e.Message.ReplaceLineEndings(" ")})", e);
            }
            return job;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            while (undo.TryPop(out var step))
            {
                try
                {
                    step();
                }
                catch (Exception again) when (again is IOException or UnauthorizedAccessException)
                {
                    // Best effort: the error that matters is the first one.
                }
            }
            throw;
        }
    }

    private static void Replace(string path, byte[] bytes, Stack<Action> undo)
    {
        byte[]? before = File.Exists(path) ? File.ReadAllBytes(path) : null;
        AtomicFile.WriteAllBytes(path, bytes);
        undo.Push(before is null ? () => File.Delete(path) : () => AtomicFile.WriteAllBytes(path, before));
    }

    /// <summary>Appends a submission to DIR/slurm/jobs.</summary>
    public void RecordJob(string jobId, IReadOnlyList<int> indices)
    {
        string before = File.Exists(JobsPath) ? File.ReadAllText(JobsPath) : "";
        AtomicFile.WriteAllText(JobsPath, before + jobId + " " + string.Join(',', indices.Select(i => i.ToString(CultureInfo.InvariantCulture))) + "\n");
    }

    /// <summary>For each variant index, the job of the latest submission that ran it; empty before the first.</summary>
    public IReadOnlyDictionary<int, string> LatestJobs()
    {
        var latest = new Dictionary<int, string>();
        if (!File.Exists(JobsPath))
        {
            return latest;
        }
        foreach (string line in File.ReadAllLines(JobsPath))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 2)
            {
                continue;
            }
            foreach (string i in parts[1].Split(','))
            {
                if (int.TryParse(i, NumberStyles.None, CultureInfo.InvariantCulture, out int index))
                {
                    latest[index] = parts[0];
                }
            }
        }
        return latest;
    }

    /// <summary>
    /// What Slurm says about each variant's latest task (queued, running, or ended), by plan index; empty before the first
    /// submission. Null when squeue cannot answer.
    /// </summary>
    public IReadOnlyDictionary<int, SlurmTask>? Tasks()
    {
        var jobs = LatestJobs();
        var tasks = new Dictionary<int, SlurmTask>();
        foreach (string job in jobs.Values.Distinct())
        {
            if (SlurmClient.TaskStates(job) is not { } states)
            {
                return null;
            }
            foreach (var (index, id) in jobs.Where(j => j.Value == job))
            {
                tasks[index] = new SlurmTask(id, index, states.TryGetValue(index, out var state) ? state : null);
            }
        }
        return tasks;
    }

    /// <summary>The states with what Slurm says about every variant that has not finished (e.g. its task ended early).</summary>
    public IReadOnlyList<VariantState> Annotate(IReadOnlyList<VariantState> states, IReadOnlyDictionary<int, SlurmTask> tasks)
    {
        var annotated = new List<VariantState>();
        for (int i = 0; i < states.Count; i++)
        {
            var s = states[i];
            annotated.Add(!s.Finished && tasks.TryGetValue(i, out var task) ? s with { Task = task.Describe(Path.GetRelativePath(Path.Combine(Dir, ".."), LogPath(i))) } : s);
        }
        return annotated;
    }

    /// <summary>"0-2,5": the indices as sbatch --array ranges.</summary>
    public static string ArraySpec(IReadOnlyList<int> indices)
    {
        var sorted = indices.Distinct().Order().ToList();
        var ranges = new List<string>();
        for (int i = 0; i < sorted.Count;)
        {
            int j = i;
            while (j + 1 < sorted.Count && sorted[j + 1] == sorted[j] + 1)
            {
                j++;
            }
            ranges.Add(i == j ? I($"{sorted[i]}") : I($"{sorted[i]}-{sorted[j]}"));
            i = j + 1;
        }
        return string.Join(',', ranges);
    }

    /// <summary>A word for the shell: single-quoted unless it is plainly safe.</summary>
    public static string Quote(string word) =>
        word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || "-_./=:@%+,".Contains(c))
            ? word
            : "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private string JobName()
    {
        string name = new(plan.File.Name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '-').ToArray());
        return "dcgan-" + (name.Length > 40 ? name[..40] : name);
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");

    private static string I(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
