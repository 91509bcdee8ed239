namespace Dcgan.Gan.Tests;
public class SmokeTests { [Fact] public void Builds() => Assert.True(true); }
