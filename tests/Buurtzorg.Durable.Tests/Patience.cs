using Grpc.Core;

namespace Buurtzorg.Durable.Tests;

internal static class Patience
{
    /// <summary>
    /// Repeats a call while it answers UNAVAILABLE (the cluster or the database is coming back), for up to 30 seconds.
    /// Any other answer, success or failure, is returned or thrown at once.
    /// </summary>
    public static async Task<T> Eventually<T>(Func<Task<T>> call)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await call();
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable && attempt < 60)
            {
                await Task.Delay(500);
            }
        }
    }
}
