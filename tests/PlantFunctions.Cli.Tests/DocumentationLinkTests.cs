using System.Text.RegularExpressions;
using PlantFunctions.Testing;

namespace PlantFunctions.Cli.Tests;

/// <summary>Every relative link and image path in README.md and docs/ names a file or folder of the repository.</summary>
public sealed partial class DocumentationLinkTests
{
    public static TheoryData<string> Pages()
    {
        var pages = new TheoryData<string> { "README.md" };
        foreach (string page in Directory.GetFiles(Path.Combine(RepoPaths.Root, "docs"), "*.md").Order(StringComparer.Ordinal))
        {
            pages.Add(Path.GetRelativePath(RepoPaths.Root, page));
        }

        return pages;
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public void RelativeLinksAndImages_NameFilesThatExist(string page)
    {
        string path = Path.Combine(RepoPaths.Root, page);
        string folder = Path.GetDirectoryName(path)!;
        var broken = new List<string>();
        int checkedLinks = 0;
        foreach (Match match in Link().Matches(File.ReadAllText(path)))
        {
            string target = match.Groups["target"].Value.Split('#')[0];
            if (target.Length == 0 || target.Contains("://", StringComparison.Ordinal) || target.StartsWith("mailto:", StringComparison.Ordinal))
            {
                continue;
            }

            checkedLinks++;
            string resolved = Path.GetFullPath(Path.Combine(folder, Uri.UnescapeDataString(target)));
            if (!File.Exists(resolved) && !Directory.Exists(resolved))
            {
                broken.Add(match.Value);
            }
        }

        Assert.True(broken.Count == 0, $"{page}: {broken.Count} broken link(s): {string.Join(", ", broken)}");
        Assert.True(page != "README.md" || checkedLinks > 5, "README.md should link to the docs");
    }

    [GeneratedRegex(@"!?\[[^\]]*\]\((?<target>[^)\s]+)(\s+""[^""]*"")?\)")]
    private static partial Regex Link();
}
