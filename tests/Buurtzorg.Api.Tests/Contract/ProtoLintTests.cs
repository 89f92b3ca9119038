namespace Buurtzorg.Api.Tests.Contract;

/// <summary>The protos are the product's contract: they follow the protobuf style guide as buf checks it.</summary>
[Collection(NodeTooling.Collection)]
public sealed class ProtoLintTests(NodeTooling tooling)
{
    private static readonly TimeSpan BufTimeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task The_proto_contract_lints_clean_with_buf()
    {
        var lint = await tooling.RunBufAsync(["lint"], tooling.ProtosDirectory, BufTimeout);

        Assert.True(lint.ExitCode == 0, $"buf lint found problems in protos/:\n{lint}");
    }

    [Fact]
    public async Task The_proto_contract_builds_with_buf()
    {
        var build = await tooling.RunBufAsync(["build"], tooling.ProtosDirectory, BufTimeout);

        Assert.True(build.ExitCode == 0, $"buf build could not compile protos/:\n{build}");
    }
}
