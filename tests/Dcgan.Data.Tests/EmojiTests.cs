// The emoji set's index and checksum on a small package-shaped folder: categories as classes in the package's
// order, skin-tone variations included, images without a Google PNG left out, and the content digest checked
// against Python's hashlib. The real package (74 MB through npm) is fetched by the opt-in slow test.
namespace Dcgan.Data.Tests;

using System.Diagnostics;
using Dcgan.Data.Folders;
using Dcgan.TestSupport;

public sealed class EmojiTests : IDisposable
{
    private readonly TempDir _t = new();

    public void Dispose() => _t.Dispose();

    private string FakePackage()
    {
        string root = _t.Dir("package");
        string images = _t.Dir("package", "img", "google", "64");
        File.WriteAllText(Path.Combine(root, "emoji.json"), """
            [
              { "image": "1f600.png", "category": "Smileys & Emotion", "has_img_google": true },
              { "image": "1f44b.png", "category": "People & Body", "has_img_google": true,
                "skin_variations": { "1F3FB": { "image": "1f44b-1f3fb.png", "has_img_google": true },
                                     "1F3FC": { "image": "1f44b-1f3fc.png", "has_img_google": false } } },
              { "image": "1f415.png", "category": "Animals & Nature", "has_img_google": true },
              { "image": "1f9ff.png", "category": "Objects", "has_img_google": false }
            ]
            """);
        File.WriteAllText(Path.Combine(root, "categories.json"), """{ "Smileys & Emotion": {}, "People & Body": {}, "Animals & Nature": {}, "Objects": {} }""");
        foreach (string name in new[] { "1f600", "1f44b", "1f44b-1f3fb", "1f415" })
        {
            File.WriteAllBytes(Path.Combine(images, name + ".png"), System.Text.Encoding.ASCII.GetBytes(name));
        }
        return root;
    }

    [Fact]
    public void CategoriesAreClassesInThePackagesOrder()
    {
        var list = EmojiDataset.List(FakePackage());
        Assert.Equal(["Smileys & Emotion", "People & Body", "Animals & Nature"], list.ClassNames);
        var labels = list.Files.ToDictionary(f => Path.GetFileName(f.RelativePath), f => f.Label);
        Assert.Equal(new Dictionary<string, int> { ["1f600.png"] = 0, ["1f44b.png"] = 1, ["1f44b-1f3fb.png"] = 1, ["1f415.png"] = 2 }, labels);
        Assert.All(list.Files, f => Assert.StartsWith("img/google/64/", f.RelativePath, StringComparison.Ordinal));
    }

    [Fact]
    public void ContentDigestMatchesAnIndependentComputation()
    {
        string root = FakePackage();
        const string script = """
            import hashlib, os, sys
            root = sys.argv[1]
            files = ['emoji.json'] + ['img/google/64/' + f for f in os.listdir(os.path.join(root, 'img/google/64')) if f.endswith('.png')]
            h = hashlib.sha256()
            for f in sorted(files):
                h.update(f.encode() + b'\0' + hashlib.sha256(open(os.path.join(root, f), 'rb').read()).hexdigest().encode() + b'\n')
            print(h.hexdigest())
            """;
        var info = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(script);
        info.ArgumentList.Add(root);
        using var p = Process.Start(info)!;
        string expected = p.StandardOutput.ReadToEnd().Trim();
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
        Assert.Equal(64, expected.Length);
        Assert.Equal(expected, EmojiDataset.ContentDigest(root));
        File.AppendAllText(Path.Combine(root, "img", "google", "64", "1f415.png"), "x");
        Assert.NotEqual(expected, EmojiDataset.ContentDigest(root));
    }

    [Fact]
    public void ADataDirWithoutTheSetIsAOneLineError()
    {
        var locations = new DataLocations { DataDir = _t.Dir("elsewhere"), CacheRoot = _t.Dir("cache") };
        var e = Assert.Throws<DataException>(() => EmojiDataset.Resolve(locations, TextWriter.Null));
        Assert.Contains("no emoji set in the data dir", e.Message);
        var offline = new DataLocations { CacheRoot = _t.Dir("cache") };
        Assert.Contains("not found in", Assert.Throws<DataException>(() => EmojiDataset.Resolve(offline, TextWriter.Null, fetch: false)).Message);
    }

    [Fact]
    public void AnUnpackedPackageInTheDataDirIsUsedWithAWarningWhenItDiffers()
    {
        string root = FakePackage();
        var log = new StringWriter();
        string found = EmojiDataset.Resolve(new DataLocations { DataDir = _t.Root, CacheRoot = _t.Dir("cache") }, log);
        Assert.Equal(root, found);
        Assert.Contains("is not emoji-datasource-google@16.0.0 as pinned", log.ToString());
    }
}
