namespace Outreach.Sandbox.Api;

/// <summary>Refuses a call whose token lacks a needed scope with Outreach's 403 <c>unauthorizedOauthScope</c>.</summary>
internal static class ScopeCheck
{
    /// <summary>Writes the 403 and returns true when any of <paramref name="needed"/> (resource, action) is missing.</summary>
    public static async Task<bool> RefuseAsync(HttpContext context, params (string Resource, string Action)[] needed)
    {
        var caller = context.Features.Get<ApiCaller>();
        foreach (var (resource, action) in needed)
        {
            if (caller is null || !caller.HasScope(resource, action))
            {
                await ApiErrors.WriteAsync(context, StatusCodes.Status403Forbidden, new ApiError
                {
                    Id = "unauthorizedOauthScope",
                    Title = "Unauthorized OAuth Scope",
                    Detail = $"Your authorization lacks the required scope '{resource}.{action}'.",
                });
                return true;
            }
        }

        return false;
    }
}
