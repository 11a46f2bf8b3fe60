using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Handoff.Sample.Api;

/// <summary>The name in the X-Backend header: HANDOFF_POD_NAME, else machine name and port.</summary>
internal sealed class BackendName(string? podName)
{
    private string _value = string.IsNullOrWhiteSpace(podName) ? Environment.MachineName : podName;

    public string Value => Volatile.Read(ref _value);

    public void UseServerAddresses(IServerAddressesFeature? addresses)
    {
        if (!string.IsNullOrWhiteSpace(podName) || addresses is null)
        {
            return;
        }

        var first = addresses.Addresses.FirstOrDefault();
        if (first is not null && Uri.TryCreate(first.Replace("*", "localhost", StringComparison.Ordinal).Replace("+", "localhost", StringComparison.Ordinal), UriKind.Absolute, out var uri))
        {
            Volatile.Write(ref _value, $"{Environment.MachineName}:{uri.Port}");
        }
    }
}
