using System.Runtime.InteropServices;
using TorchSharp;

namespace PlantFunctions.Model.Runtime;

/// <summary>
/// Loads libtorch once and, when that fails, reports the real dynamic-loader error instead of TorchSharp's misleading
/// "doesn't contain a reference to libtorch-cpu" message.
/// </summary>
public static class TorchRuntime
{
    private static readonly Lock Gate = new();
    private static bool loaded;

    /// <summary>Makes sure the native libraries are loaded; throws <see cref="TorchLoadException"/> with the loader's words.</summary>
    public static void EnsureLoaded()
    {
        lock (Gate)
        {
            if (loaded)
            {
                return;
            }

            try
            {
                torch.InitializeDeviceType(DeviceType.CPU);
                using var probe = torch.ones(1);
                loaded = true;
            }
            catch (Exception ex) when (ex is TypeInitializationException or DllNotFoundException or NotSupportedException
                                           or EntryPointNotFoundException or BadImageFormatException)
            {
                throw new TorchLoadException(DescribeLoaderFailure(ex), ex);
            }
        }
    }

    /// <summary>Tries to load the native TorchSharp libraries directly and returns the loader's own error text.</summary>
    public static string DescribeLoaderFailure(Exception original, string? nativeFolder = null)
    {
        string nativeDir = nativeFolder ?? Path.Combine(AppContext.BaseDirectory, "runtimes", RuntimeInformation.RuntimeIdentifier, "native");
        if (nativeFolder is null && !Directory.Exists(nativeDir))
        {
            nativeDir = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native");
        }

        string[] libraries = OperatingSystem.IsLinux()
            ? ["libtorch.so", "libLibTorchSharp.so"]
            : OperatingSystem.IsMacOS() ? ["libtorch.dylib", "libLibTorchSharp.dylib"] : ["torch.dll", "LibTorchSharp.dll"];

        foreach (string library in libraries)
        {
            string candidate = Path.Combine(nativeDir, library);
            string target = File.Exists(candidate) ? candidate : Path.Combine(AppContext.BaseDirectory, library);
            if (!File.Exists(target))
            {
                return $"libtorch could not be loaded: '{library}' is not in '{nativeDir}' or the application folder. " +
                       $"Was the project built with a libtorch package (PlantTorchBackend)? Original error: {original.Message}";
            }

            try
            {
                NativeLibrary.Free(NativeLibrary.Load(target));
            }
            catch (DllNotFoundException loaderError)
            {
                return $"libtorch could not be loaded from '{target}': {loaderError.Message}";
            }
        }

        return $"libtorch could not be initialised (the native files load by themselves): {Innermost(original).Message}";
    }

    /// <summary>
    /// Sets how many CPU threads libtorch uses for the operations the calling thread runs. libtorch's CPU build
    /// parallelises with OpenMP, whose thread count is a per-thread setting, so this must be called on the thread that
    /// runs the model (the inference thread, the training thread). 0 or less keeps libtorch's default, one per core;
    /// several worker processes on one machine should share the cores instead (2 processes x 2 threads on 2 cores coded
    /// 2.5x slower than one process, measured by the service benchmark).
    /// </summary>
    public static void UseThreads(int threads)
    {
        if (threads <= 0)
        {
            return;
        }

        EnsureLoaded();
        torch.set_num_threads(threads);
    }

    /// <summary>
    /// Gives memory that libtorch has freed back to the operating system (glibc's malloc_trim). Long notes allocate
    /// and free the same chunk-sized buffers hundreds of times; glibc keeps such freed blocks in its heaps, so the
    /// resident size would creep up with note length although the live data does not. No-op off glibc.
    /// </summary>
    public static void ReleaseFreedMemory()
    {
        if (!OperatingSystem.IsLinux() || trimUnavailable)
        {
            return;
        }

        try
        {
            _ = MallocTrim(0);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            trimUnavailable = true;   // musl and other C libraries have no malloc_trim
        }
    }

    private static bool trimUnavailable;

    [DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(nuint pad);

    private static Exception Innermost(Exception ex) => ex.InnerException is null ? ex : Innermost(ex.InnerException);
}
