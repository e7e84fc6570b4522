using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Runtime.InteropServices;
using BackupPs.Tests.Infrastructure;

namespace BackupPs.Tests.Module;

/// <summary>
/// pwsh 7.4 LTS runs on .NET 8 and has loaded its framework before a module imports, so everything the build puts
/// in module/bin is read as metadata (System.Reflection.Metadata: nothing is loaded) and must be loadable there:
/// built for net8.0 or older, referencing no framework assembly newer than 8.0, and pure IL for any CPU (the same
/// files run on the Raspberry Pi 5). The test runs on .NET 10, where a net9.0/net10.0 dependency would load fine
/// and only an operator on 7.4 would find out.
/// </summary>
public sealed class ModuleBinaryCompatibilityTests
{
    private const int NewestFrameworkMajor = 8;

    private static readonly string ModuleBin = Path.Combine(PostgresContainer.RepositoryRoot, "module", "bin");

    /// <summary>The framework's assembly names (this runtime's shared framework, a superset of .NET 8's).</summary>
    private static readonly HashSet<string> FrameworkAssemblies = Directory
        .EnumerateFiles(RuntimeEnvironment.GetRuntimeDirectory(), "*.dll")
        .Select(Path.GetFileNameWithoutExtension)
        .ToHashSet(StringComparer.OrdinalIgnoreCase)!;

    public static TheoryData<string> ModuleFiles() =>
        new(Directory.EnumerateFiles(ModuleBin).Select(Path.GetFileName).Order(StringComparer.Ordinal)!);

    [Fact]
    public void TheBuildLaysOutTheModuleAndItsDependencies()
    {
        var files = Directory.EnumerateFiles(ModuleBin).Select(Path.GetFileName).ToArray();
        Assert.Contains("BackupPs.Module.dll", files);
        Assert.Contains("BackupPs.Core.dll", files);
        // The CRC-32 of gzip trailers; without it in module/bin, Import-Module works and the first gzip read fails.
        Assert.Contains("System.IO.Hashing.dll", files);
    }

    [Theory]
    [MemberData(nameof(ModuleFiles))]
    public void EveryFileIsAnAnyCpuNet8AssemblyOrItsSymbols(string file)
    {
        if (Path.GetExtension(file) is ".pdb" or ".xml")
        {
            return; // symbols and documentation are data, never loaded as code
        }

        Assert.True(Path.GetExtension(file) == ".dll", $"{file} in module/bin is not an assembly; native code would not run on every CPU.");
        using var pe = new PEReader(File.OpenRead(Path.Combine(ModuleBin, file)));
        bool managed;
        try
        {
            managed = pe.HasMetadata;
        }
        catch (BadImageFormatException)
        {
            managed = false; // not even a PE file: an ELF or Mach-O library named .dll
        }

        Assert.True(managed, $"{file} is a native library, not a .NET assembly: it would not run on every CPU.");
        var corHeader = pe.PEHeaders.CorHeader!;
        Assert.True(corHeader.Flags.HasFlag(CorFlags.ILOnly), $"{file} is not IL-only (mixed-mode code is tied to one CPU and OS).");
        Assert.True(pe.PEHeaders.CoffHeader.Machine == Machine.I386 && !corHeader.Flags.HasFlag(CorFlags.Requires32Bit),
            $"{file} is built for {pe.PEHeaders.CoffHeader.Machine}{(corHeader.Flags.HasFlag(CorFlags.Requires32Bit) ? " (32-bit)" : "")}, not AnyCPU.");

        var metadata = pe.GetMetadataReader();
        var targetFramework = TargetFramework(metadata);
        Assert.True(targetFramework is not null, $"{file} declares no TargetFrameworkAttribute: what it was built for is unknown.");
        var framework = new System.Runtime.Versioning.FrameworkName(targetFramework);
        Assert.False(framework.Identifier == ".NETCoreApp" && framework.Version.Major > NewestFrameworkMajor,
            $"{file} targets {targetFramework}; pwsh 7.4 runs on .NET {NewestFrameworkMajor}: reference a net{NewestFrameworkMajor}.0 build of it.");

        var shipped = Directory.EnumerateFiles(ModuleBin, "*.dll").Select(Path.GetFileNameWithoutExtension).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var reference in metadata.AssemblyReferences.Select(metadata.GetAssemblyReference))
        {
            var name = metadata.GetString(reference.Name);
            if (shipped.Contains(name) || name == "System.Management.Automation")
            {
                continue; // in module/bin (checked on its own), or pwsh's own
            }

            Assert.True(FrameworkAssemblies.Contains(name),
                $"{file} references {name}, which is neither in module/bin nor part of .NET: ship it, or decide how it loads next to pwsh (README, dependencies).");
            Assert.True(reference.Version.Major <= NewestFrameworkMajor,
                $"{file} references {name} {reference.Version}, newer than pwsh 7.4's .NET {NewestFrameworkMajor} has.");
        }
    }

    [Fact]
    public void AFrameworkNewerThanNet8IsRecognised()
    {
        // The check above, on this test assembly itself: built for net10.0, so it must be caught.
        using var pe = new PEReader(File.OpenRead(typeof(ModuleBinaryCompatibilityTests).Assembly.Location));
        Assert.Equal(".NETCoreApp,Version=v10.0", TargetFramework(pe.GetMetadataReader()));
    }

    /// <summary>The string in the assembly's [TargetFramework(".NETCoreApp,Version=v8.0")], or null without one.</summary>
    private static string? TargetFramework(MetadataReader metadata)
    {
        foreach (var attribute in metadata.GetAssemblyDefinition().GetCustomAttributes().Select(metadata.GetCustomAttribute))
        {
            if (attribute.Constructor.Kind != HandleKind.MemberReference)
            {
                continue;
            }

            var constructor = metadata.GetMemberReference((MemberReferenceHandle)attribute.Constructor);
            if (constructor.Parent.Kind != HandleKind.TypeReference)
            {
                continue;
            }

            var type = metadata.GetTypeReference((TypeReferenceHandle)constructor.Parent);
            if (metadata.GetString(type.Namespace) == "System.Runtime.Versioning" && metadata.GetString(type.Name) == "TargetFrameworkAttribute")
            {
                var value = metadata.GetBlobReader(attribute.Value);
                value.ReadUInt16(); // the custom attribute prolog, 0x0001
                return value.ReadSerializedString();
            }
        }

        return null;
    }
}
