using Handoff.AspNetCore;

namespace Microsoft.AspNetCore.Http;

/// <summary>Access to the drain from a request handler.</summary>
public static class HandoffHttpContextExtensions
{
    /// <summary>Registers this request as a long-lived connection and returns the token that fires at its turn to close.</summary>
    /// <exception cref="InvalidOperationException">AddHandoff was not called.</exception>
    public static CancellationToken GetHandoffCloseToken(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var drain = context.RequestServices.GetService(typeof(IHandoffDrain)) as IHandoffDrain
            ?? throw new InvalidOperationException("GetHandoffCloseToken needs services.AddHandoff().");
        return drain.RegisterLongLived(context);
    }
}
