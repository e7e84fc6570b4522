namespace BackupPs.Tests.Volumes;

/// <summary>What every volume test class starts from: a <see cref="VolumeTestBed"/> and a fresh store folder, both removed at the end.</summary>
public abstract class VolumeTestClass : IAsyncLifetime
{
    protected VolumeTestBed Bed { get; } = new();

    /// <summary>A store folder of this test's own.</summary>
    protected string Store { get; } = Directory.CreateTempSubdirectory("bps-volume-store-").FullName;

    public Task InitializeAsync() => Bed.InitializeAsync();

    public async Task DisposeAsync()
    {
        await Bed.DisposeAsync();
        Directory.Delete(Store, recursive: true);
    }
}
