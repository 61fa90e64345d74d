using Fulcrum.Appliance.Balancing.Methods;

namespace Fulcrum.Appliance.Balancing;

/// <summary>Creates the method a pool names. Methods not built yet fall back to round robin.</summary>
public static class LoadBalancingMethodFactory
{
    public static ILoadBalancingMethod Create(string name) => name switch
    {
        _ => new RoundRobinMethod(),
    };
}
