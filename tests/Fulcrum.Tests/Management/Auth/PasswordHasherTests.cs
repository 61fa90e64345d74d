using Fulcrum.Appliance.Management.Auth;

namespace Fulcrum.Tests.Management.Auth;

public sealed class PasswordHasherTests
{
    private readonly PasswordHasher _hasher = new(1000);

    [Fact]
    public void Verify_RightPassword_True()
    {
        var hash = _hasher.Hash("correct horse");
        Assert.True(_hasher.Verify("correct horse", hash));
    }

    [Fact]
    public void Verify_WrongPassword_False()
    {
        var hash = _hasher.Hash("correct horse");
        Assert.False(_hasher.Verify("correct horsf", hash));
        Assert.False(_hasher.Verify("", hash));
    }

    [Fact]
    public void Hash_IsSelfDescribing_WithSaltAndHashLengths()
    {
        var parts = _hasher.Hash("secret12").Split('$');
        Assert.Equal(4, parts.Length);
        Assert.Equal("pbkdf2-sha256", parts[0]);
        Assert.Equal("1000", parts[1]);
        Assert.Equal(16, Convert.FromBase64String(parts[2]).Length);
        Assert.Equal(32, Convert.FromBase64String(parts[3]).Length);
    }

    [Fact]
    public void Hash_SamePasswordTwice_DifferentSalts()
    {
        Assert.NotEqual(_hasher.Hash("secret12"), _hasher.Hash("secret12"));
    }

    [Fact]
    public void Verify_UsesTheIterationCountInTheHash()
    {
        var hash = new PasswordHasher(2000).Hash("secret12");
        Assert.True(_hasher.Verify("secret12", hash));
    }

    [Fact]
    public void Default_Is600000Iterations()
    {
        Assert.Equal(600_000, PasswordHasher.DefaultIterations);
        Assert.Equal(PasswordHasher.DefaultIterations, new PasswordHasher().Iterations);
    }

    [Theory]
    [InlineData("")]
    [InlineData("plain")]
    [InlineData("pbkdf2-sha256$abc$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("pbkdf2-sha256$99999999999$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("pbkdf2-sha256$1000$not base64$AAAA")]
    [InlineData("md5$1000$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    public void Verify_MalformedStoredValue_FalseNotThrow(string stored)
    {
        Assert.False(_hasher.Verify("secret12", stored));
    }
}
