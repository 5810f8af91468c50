using System.Text.Encodings.Web;

namespace Outreach.Sandbox.OAuth;

/// <summary>Renders the small sign-in page that stands in for Outreach's OAuth popup, and the error page.</summary>
internal static class AuthorizePage
{
    public static string SignIn(AuthorizeRequest request, string? error, string? email)
    {
        var e = HtmlEncoder.Default;
        var errorBlock = error is null ? "" : $"<p class=\"error\" role=\"alert\">{e.Encode(error)}</p>";
        return Layout("Sign in to Outreach (sandbox)", $"""
            <h1>Sign in to Outreach <small>(sandbox)</small></h1>
            <p>The application <b>{e.Encode(request.ClientId ?? "")}</b> asks for access: <code>{e.Encode(request.Scope ?? "")}</code></p>
            {errorBlock}
            <form method="post" action="/oauth/authorize">
              <input type="hidden" name="client_id" value="{e.Encode(request.ClientId ?? "")}">
              <input type="hidden" name="redirect_uri" value="{e.Encode(request.RedirectUri ?? "")}">
              <input type="hidden" name="response_type" value="{e.Encode(request.ResponseType ?? "")}">
              <input type="hidden" name="scope" value="{e.Encode(request.Scope ?? "")}">
              {(request.State is null ? "" : $"<input type=\"hidden\" name=\"state\" value=\"{e.Encode(request.State)}\">")}
              <label>Email <input type="email" name="email" autocomplete="username" required value="{e.Encode(email ?? "")}"></label>
              <label>Password <input type="password" name="password" autocomplete="current-password" required></label>
              <button type="submit" name="decision" value="allow">Sign in and authorize</button>
              <button type="submit" name="decision" value="deny" formnovalidate>Cancel</button>
            </form>
            <p class="note">This is the Outreach sandbox: users and passwords are fake demo values from its configuration.</p>
            """);
    }

    public static string Error(string message) =>
        Layout("Authorization error (sandbox)", $"""
            <h1>Authorization error</h1>
            <p class="error" role="alert">{HtmlEncoder.Default.Encode(message)}</p>
            """);

    private static string Layout(string title, string body) => $$"""
        <!DOCTYPE html>
        <html lang="en">
        <head>
          <meta charset="utf-8">
          <title>{{HtmlEncoder.Default.Encode(title)}}</title>
          <style>
            body { font-family: system-ui, sans-serif; max-width: 28rem; margin: 3rem auto; padding: 0 1rem; }
            label { display: block; margin: .75rem 0; } input[type=email], input[type=password] { width: 100%; padding: .4rem; }
            button { margin: .5rem .5rem 0 0; padding: .5rem 1rem; } .error { color: #b00020; } .note { color: #666; font-size: .85rem; }
          </style>
        </head>
        <body>
        {{body}}
        </body>
        </html>
        """;
}
