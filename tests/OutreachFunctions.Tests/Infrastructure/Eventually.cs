namespace OutreachFunctions.Tests.Infrastructure;

/// <summary>Waits for an asynchronous pipeline to reach a state, with a generous bound so a slow machine still passes.</summary>
/// <remarks>This asserts an outcome, not a duration: the bound only keeps a broken pipeline from hanging the run.</remarks>
public static class Eventually
{
    /// <summary>Polls <paramref name="condition"/> until it holds; fails with <paramref name="describe"/>'s text when the bound passes.</summary>
    public static async Task HoldsAsync(Func<Task<bool>> condition, Func<Task<string>> describe, TimeSpan? bound = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        ArgumentNullException.ThrowIfNull(describe);
        var deadline = DateTime.UtcNow + (bound ?? TimeSpan.FromSeconds(120));
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail("The pipeline did not reach the expected state: " + await describe());
            }

            await Task.Delay(100);
        }
    }
}
