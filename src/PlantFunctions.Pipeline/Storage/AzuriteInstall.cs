using System.Diagnostics;

namespace PlantFunctions.Pipeline.Storage;

/// <summary>Finds the repository's Azurite (<c>node_modules/.bin/azurite</c>) and runs <c>npm ci</c> once when it is missing.</summary>
public static class AzuriteInstall
{
    private static readonly SemaphoreSlim InstallGate = new(1, 1);

    /// <summary>The azurite executable, installing it first when the repository has a package-lock.json but no node_modules.</summary>
    public static async Task<string> LocateOrInstallAsync(string? searchFrom = null, CancellationToken cancellationToken = default)
    {
        var roots = new[] { searchFrom, Directory.GetCurrentDirectory(), AppContext.BaseDirectory }.OfType<string>();
        foreach (string start in roots)
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "node_modules", ".bin", "azurite");
                if (File.Exists(candidate))
                {
                    return candidate;
                }

                if (File.Exists(Path.Combine(dir.FullName, "package-lock.json")) && File.Exists(Path.Combine(dir.FullName, "package.json"))
                    && File.ReadAllText(Path.Combine(dir.FullName, "package.json")).Contains("\"azurite\"", StringComparison.Ordinal))
                {
                    await NpmCiAsync(dir.FullName, cancellationToken).ConfigureAwait(false);
                    if (File.Exists(candidate))
                    {
                        return candidate;
                    }
                }
            }
        }

        throw new FileNotFoundException(
            "Azurite not found: run 'npm ci' in the repository root (it installs the pinned azurite into node_modules), " +
            "or configure AzureWebJobsStorage to point at a running storage account.");
    }

    private static async Task NpmCiAsync(string directory, CancellationToken cancellationToken)
    {
        await InstallGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Several test processes may get here at once: a lock file keeps them from installing over each other.
            using var lockFile = await AcquireFileLockAsync(Path.Combine(directory, ".npm-install.lock"), cancellationToken).ConfigureAwait(false);
            if (File.Exists(Path.Combine(directory, "node_modules", ".bin", "azurite")))
            {
                return;
            }

            var info = new ProcessStartInfo("npm") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (string argument in new[] { "ci", "--no-audit", "--no-fund" })
            {
                info.ArgumentList.Add(argument);
            }

            using var npm = Process.Start(info) ?? throw new InvalidOperationException("could not start npm (is Node.js installed?)");
            var stdout = npm.StandardOutput.ReadToEndAsync(cancellationToken);
            string stderr = await npm.StandardError.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
            await npm.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            if (npm.ExitCode != 0)
            {
                throw new InvalidOperationException($"'npm ci' failed in '{directory}' with exit code {npm.ExitCode}: {stderr}{await stdout.ConfigureAwait(false)}");
            }
        }
        finally
        {
            InstallGate.Release();
        }
    }

    private static async Task<FileStream> AcquireFileLockAsync(string path, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException)
            {
                await Task.Delay(500, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
