using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Fulcrum.Appliance.Balancing;
using Fulcrum.Appliance.Config.Model;
using Fulcrum.Appliance.Config.Validation;
using Fulcrum.Appliance.Management.Auth;
using Fulcrum.Appliance.Stats;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Fulcrum.Appliance.Management;

/// <summary>
/// Makes the OpenAPI document say what the API really takes and gives, so clients generated from it (the console's
/// types, webui/openapi.json) fail to compile when a field or a value changes:
/// <list type="bullet">
/// <item>string fields that take one of a fixed set of values (a pool's <c>loadBalancingMode</c>, a monitor's
/// <c>type</c>, a user's <c>role</c>…) list those values as an <c>enum</c>, taken from the same sets the validators check;</item>
/// <item>numbers are numbers: the API reads and writes JSON with strict number handling (<see cref="Config.ConfigJson"/>),
/// while the document generator assumes the web default that also reads numbers written as strings;</item>
/// <item>the status report's properties are all required (it is only ever written, with every property present), and
/// so are computed properties elsewhere (written, never read).</item>
/// </list>
/// </summary>
internal sealed class OpenApiValueSets : IOpenApiSchemaTransformer
{
    private static readonly IReadOnlyCollection<string> HealthStatuses =
        [.. Enum.GetValues<HealthStatus>().Select(s => new MemberHealth(s, null, default).StatusName)];

    /// <summary>The values of each enumerated string property, by the type that declares it and its JSON name.</summary>
    private static readonly Dictionary<(Type Type, string Property), IReadOnlyCollection<string>> Values = new()
    {
        [(typeof(Pool), "loadBalancingMode")] = LoadBalancingModes.All,
        [(typeof(Pool), "serviceDownAction")] = ServiceDownActions.All,
        [(typeof(PoolMember), "state")] = MemberStates.All,
        [(typeof(Node), "state")] = MemberStates.All,
        [(typeof(Config.Model.Monitor), "type")] = MonitorTypes.All,
        [(typeof(VirtualServer), "type")] = VirtualServerTypes.All,
        [(typeof(VirtualServer), "sourceAddressTranslation")] = SourceTranslations.All,
        [(typeof(VirtualServer), "forwarding")] = PacketForwardings.All,
        [(typeof(TcpProfile), "proxyProtocol")] = ProfileValidator.ProxyProtocols,
        [(typeof(HttpProfile), "serverHeaderAction")] = ProfileValidator.ServerHeaderActions,
        [(typeof(ClientSslProfile), "clientCertificate")] = ProfileValidator.ClientCertModes,
        [(typeof(PersistenceProfile), "method")] = PersistenceMethods.All,
        [(typeof(PersistenceProfile), "cookieMethod")] = ProfileValidator.CookieMethods,
        [(typeof(PersistenceProfile), "cookieSameSite")] = ProfileValidator.SameSites,
        [(typeof(DataGroup), "type")] = DataGroupTypes.All,
        [(typeof(WideIp), "type")] = WideIpTypes.All,
        [(typeof(WideIp), "method")] = WideIpMethods.All,
        [(typeof(User), "role")] = Roles.All,
        [(typeof(MeResponse), "role")] = Roles.All,
        [(typeof(LoginResponse), "role")] = Roles.All,
        [(typeof(MemberStatus), "state")] = MemberStates.All,
        [(typeof(MemberStatus), "status")] = HealthStatuses,
        [(typeof(MonitorStatus), "status")] = HealthStatuses,
    };

    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (schema.Type is { } type && (type & JsonSchemaType.String) != 0 && (type & (JsonSchemaType.Integer | JsonSchemaType.Number)) != 0)
        {
            schema.Type = type & ~JsonSchemaType.String;
            schema.Pattern = null;
        }
        var property = context.JsonPropertyInfo;
        if (property?.DeclaringType is { } declaring && Values.TryGetValue((declaring, property.Name), out var values))
        {
            schema.Enum = [.. values.Order(StringComparer.Ordinal).Select(v => (JsonNode)JsonValue.Create(v))];
            if (schema.Type is { } t && (t & JsonSchemaType.Null) != 0)
            {
                schema.Enum.Add(null!);
            }
        }
        // An object's own schema (also when it is first met as some property's value: then JsonPropertyInfo is that property).
        if (context.JsonTypeInfo.Kind == JsonTypeInfoKind.Object && schema.Properties is { Count: > 0 })
        {
            if (context.JsonTypeInfo.Type.Namespace == typeof(ApplianceStatus).Namespace)
            {
                schema.Required = new SortedSet<string>(schema.Properties.Keys, StringComparer.Ordinal);
            }
            else
            {
                // A property the serializer can only write (a computed one, such as a diff's counts) is in every answer.
                foreach (var computed in context.JsonTypeInfo.Properties.Where(p => p.Set is null && schema.Properties.ContainsKey(p.Name)))
                {
                    (schema.Required ??= new SortedSet<string>(StringComparer.Ordinal)).Add(computed.Name);
                }
            }
        }
        return Task.CompletedTask;
    }
}
