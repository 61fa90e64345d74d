using System.Collections.Immutable;
using Fulcrum.Appliance.Config.Diff;
using Fulcrum.Appliance.Config.Model;

namespace Fulcrum.Tests.Config.Diff;

public sealed class ConfigDifferTests
{
    private static readonly FulcrumConfig Base = FulcrumConfig.Default with
    {
        Pools = [new Pool { Name = "web", Members = [new PoolMember { Address = "10.0.0.1", Port = 80 }, new PoolMember { Address = "10.0.0.2", Port = 80 }] }],
        DataGroups = [new DataGroup { Name = "paths", Records = new Dictionary<string, string> { ["/admin"] = "" }.ToImmutableSortedDictionary(StringComparer.Ordinal) }],
        Certificates = [new Certificate { Name = "site", Pem = "PEM", Key = "-----BEGIN PRIVATE KEY-----secret" }],
    };

    [Fact]
    public void Compare_Same_Empty() => Assert.True(ConfigDiffer.Compare(Base, Base with { }).IsEmpty);

    [Fact]
    public void Compare_MembersByAddressPort_NotByPosition()
    {
        var to = Base with { Pools = [Base.Pools[0] with { Members = [new PoolMember { Address = "10.0.0.0", Port = 80 }, .. Base.Pools[0].Members.Select(m => m.Address == "10.0.0.2" ? m with { Ratio = 3 } : m)] }] };

        var change = Assert.Single(ConfigDiffer.Compare(Base, to).Changed);

        Assert.Equal(["members/10.0.0.2:80/ratio", "members/10.0.0.0:80"], change.Fields.Select(f => f.Path));
        Assert.Null(change.Fields[1].Old);
    }

    [Fact]
    public void Compare_DataGroupKeyWithSlash_EscapedAsJsonPointer()
    {
        var to = Base with { DataGroups = [Base.DataGroups[0] with { Records = Base.DataGroups[0].Records.Add("/debug", "x") }] };

        var field = Assert.Single(Assert.Single(ConfigDiffer.Compare(Base, to).Changed).Fields);

        Assert.Equal("records/~1debug", field.Path);
        Assert.Equal("x", field.New!.GetValue<string>());
    }

    [Fact]
    public void Compare_CertificateKey_NeverShownOnlyItsHash()
    {
        var to = Base with { Certificates = [Base.Certificates[0] with { Key = "-----BEGIN PRIVATE KEY-----other" }] };

        var diff = ConfigDiffer.Compare(Base, to);
        var added = ConfigDiffer.Compare(FulcrumConfig.Default, Base).Added.Single(a => a.Kind == "certificates");

        var field = Assert.Single(Assert.Single(diff.Changed).Fields);
        Assert.Equal("key", field.Path);
        Assert.StartsWith("sha256:", field.Old!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE", added.Object.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Compare_AddedAndRemoved_InKindOrder()
    {
        var to = Base with { Pools = [], Rules = [new Rule { Name = "r", Source = "x" }] };

        var diff = ConfigDiffer.Compare(Base, to);

        Assert.Equal(("rules", "r"), (diff.Added.Single().Kind, diff.Added.Single().Name));
        Assert.Equal(("pools", "web"), (diff.Removed.Single().Kind, diff.Removed.Single().Name));
    }
}
