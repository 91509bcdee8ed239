// Decodes an image list into an in-memory data set once, then keeps the result in a cache file whose key is the
// list's paths, sizes, modification times and labels plus the decode settings: a changed folder is decoded again,
// an unchanged one loads in seconds. Bad files are skipped, counted and listed, never fatal one by one.
namespace Dcgan.Data.Folders;

using System.Collections.Concurrent;
using System.Diagnostics;
using Dcgan.Imaging;

/// <summary>Decodes image folders into <see cref="ImageDataset"/>s, through a cache.</summary>
public static class FolderDecoder
{
    /// <summary>
    /// The data set of <paramref name="list"/> decoded with <paramref name="settings"/>: from the cache under
    /// <paramref name="cacheRoot"/> when it holds this exact list and settings, else decoded (a progress bar on
    /// <paramref name="log"/>) and cached. Throws <see cref="DataException"/> when no file is usable.
    /// </summary>
    public static ImageDataset Load(string name, ImageList list, DecodeSettings settings, string cacheRoot, TextWriter log)
    {
        if (list.Files.Count == 0)
        {
            throw new DataException($"{list.Root}: no images found (PNG, JPEG, BMP, GIF or WebP files, searched recursively)");
        }
        // A run that let the images decide its channels resumes with the count they decided: the decoding it made then
        // (cached under "decide") is the same data, so it is used when it came out with that count.
        if (settings.Channels != 0)
        {
            string decided = DecodedCache.PathFor(cacheRoot, list, settings with { Channels = 0 });
            if (DecodedCache.TryRead(decided, name, list.Root, out var earlier, out _) && earlier!.Channels == settings.Channels)
            {
                log.WriteLine($"{name}: {earlier.Count:N0} decoded images from the cache ({decided})");
                return earlier;
            }
        }
        string cachePath = DecodedCache.PathFor(cacheRoot, list, settings);
        if (DecodedCache.TryRead(cachePath, name, list.Root, out var cached, out string? problem))
        {
            log.WriteLine($"{name}: {cached!.Count:N0} decoded images from the cache ({cachePath})");
            return cached;
        }
        if (problem is not null)
        {
            log.WriteLine($"{name}: the decoded cache {cachePath} {problem}; decoding again");
        }
        var data = Decode(name, list, settings, log);
        try
        {
            DecodedCache.Write(cachePath, data);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A cache that cannot be written costs time on the next run, not this run.
            log.WriteLine($"{name}: could not write the decoded cache {cachePath}: {e.Message.ReplaceLineEndings(" ")}");
        }
        return data;
    }

    /// <summary>Decodes every file of the list (in parallel, one file per task) without the cache.</summary>
    public static ImageDataset Decode(string name, ImageList list, DecodeSettings settings, TextWriter log)
    {
        var clock = Stopwatch.StartNew();
        int count = list.Files.Count, size = settings.ImageSize;
        // Gray when asked: decode straight to one byte per pixel. Otherwise keep RGB until every file has been seen.
        int decodeChannels = settings.Channels == 1 ? 1 : 3;
        long pixelsPerImage = (long)size * size * decodeChannels;
        if (pixelsPerImage * count > Array.MaxLength)
        {
            throw new DataException($"{list.Root}: {count:N0} images of {size}x{size}x{decodeChannels} need {pixelsPerImage * count / 1e9:0.0} GB, " +
                "more than one in-memory set holds (2.1 GB): choose a smaller --image-size or a smaller folder");
        }
        var pixels = new byte[pixelsPerImage * count];
        var used = new bool[count];
        var colour = new bool[count];
        var sources = new (int Width, int Height, string Format)[count];
        var skipped = new ConcurrentBag<(int Index, string Reason)>();
        var bar = new ProgressBar(log, $"decoding {name}", count, unit: "images");
        int done = 0;
        var gate = new Lock();
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = Kernels.Workers.Threads }, i =>
        {
            string path = Path.Combine(list.Root, list.Files[i].RelativePath);
            try
            {
                var square = SquareDecoder.Decode(path, size, settings.Background, settings.MaxPixels);
                var target = pixels.AsSpan((int)(i * pixelsPerImage), (int)pixelsPerImage);
                if (decodeChannels == 1)
                {
                    for (int p = 0; p < target.Length; p++)
                    {
                        target[p] = SquareDecoder.Gray(square.Rgb[3 * p], square.Rgb[3 * p + 1], square.Rgb[3 * p + 2]);
                    }
                }
                else
                {
                    square.Rgb.CopyTo(target);
                }
                used[i] = true;
                colour[i] = square.IsColour;
                sources[i] = (square.SourceWidth, square.SourceHeight, square.Format);
            }
            catch (ImageRejectedException e)
            {
                skipped.Add((i, e.Message));
            }
            int finished = Interlocked.Increment(ref done);
            lock (gate)
            {
                bar.Report(finished);
            }
        });
        bar.Finish(done);

        int kept = used.Count(u => u);
        if (kept == 0)
        {
            var reasons = skipped.GroupBy(s => s.Reason.Split(" (")[0]).Select(g => $"{g.Count()} {g.Key}");
            throw new DataException($"{list.Root}: none of the {count:N0} image files could be used ({string.Join(", ", reasons)})");
        }
        bool anyColour = colour.Any(c => c);
        int channels = settings.Channels != 0 ? settings.Channels : anyColour ? 3 : 1;
        string channelsReason = settings.Channels != 0 ? "asked" : anyColour ? "colour found" : "no colour found";

        // Move the used images down over the holes the skipped ones left, converting RGB to gray when the set is gray.
        long outSize = (long)size * size * channels;
        var labels = new byte[kept];
        int n = 0;
        for (int i = 0; i < count; i++)
        {
            if (!used[i])
            {
                continue;
            }
            var from = pixels.AsSpan((int)(i * pixelsPerImage), (int)pixelsPerImage);
            var to = pixels.AsSpan((int)(n * outSize), (int)outSize);
            if (channels == decodeChannels)
            {
                from.CopyTo(to);
            }
            else
            {
                // RGB of a set without colour: all three channels are equal, so the red one is the gray value.
                for (int p = 0; p < to.Length; p++)
                {
                    to[p] = from[3 * p];
                }
            }
            labels[n++] = (byte)list.Files[i].Label;
        }
        byte[] final = outSize * kept == pixels.LongLength ? pixels : pixels.AsSpan(0, (int)(outSize * kept)).ToArray();

        int classes = Math.Max(1, list.ClassNames.Count);
        var usedSources = sources.Where((_, i) => used[i]).ToList();
        var report = new FolderReport
        {
            Source = list.Root,
            ImageSize = size,
            Channels = channels,
            ChannelsReason = channelsReason,
            Background = settings.BackgroundName,
            Candidates = count,
            Used = kept,
            Skipped = skipped.OrderBy(s => s.Index).Select(s => new SkippedImage(list.Files[s.Index].RelativePath, s.Reason)).ToList(),
            OtherFiles = list.OtherFiles,
            Classes = list.ClassNames.Select((c, k) => new ClassCount(c, labels.Count(l => l == k))).ToList(),
            Formats = usedSources.GroupBy(s => s.Format).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count()),
            MinWidth = usedSources.Min(s => s.Width),
            MaxWidth = usedSources.Max(s => s.Width),
            MinHeight = usedSources.Min(s => s.Height),
            MaxHeight = usedSources.Max(s => s.Height),
            Seconds = Math.Round(clock.Elapsed.TotalSeconds, 3),
        };
        log.WriteLine(report.Summary());
        return new ImageDataset(name, list.Root, DataSplit.Train, size, size, final, labels, channels, classes,
            list.ClassNames.Count == 0 ? null : list.ClassNames)
        {
            Report = report,
        };
    }
}
