using Fulcrum.Appliance.Balancing.Methods;
using Fulcrum.Appliance.Config.Model;

namespace Fulcrum.Appliance.Balancing;

/// <summary>Creates the method a pool names (<see cref="LoadBalancingModes"/>); an unknown name gets round robin.</summary>
public static class LoadBalancingMethodFactory
{
    public static ILoadBalancingMethod Create(string name) => Create(name, SharedRandomSource.Instance, TimeProvider.System);

    public static ILoadBalancingMethod Create(string name, IRandomSource random, TimeProvider time) => name switch
    {
        LoadBalancingModes.Ratio => new RatioMethod(),
        LoadBalancingModes.LeastConnections => new LeastConnectionsMethod(),
        LoadBalancingModes.WeightedLeastConnections => new WeightedLeastConnectionsMethod(),
        LoadBalancingModes.RatioLeastConnections => new RatioLeastConnectionsMethod(random),
        LoadBalancingModes.Fastest => new FastestMethod(),
        LoadBalancingModes.Observed => new ObservedMethod(time, random),
        LoadBalancingModes.Predictive => new PredictiveMethod(time, random),
        LoadBalancingModes.LeastSessions => new LeastSessionsMethod(),
        LoadBalancingModes.Random => new RandomMethod(random),
        LoadBalancingModes.PowerOfTwo => new PowerOfTwoMethod(random),
        LoadBalancingModes.SourceHash => new SourceHashMethod(),
        LoadBalancingModes.ConsistentHash => new ConsistentHashMethod(),
        _ => new RoundRobinMethod(),
    };
}
