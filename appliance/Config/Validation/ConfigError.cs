namespace Fulcrum.Appliance.Config.Validation;

/// <summary>One problem in a configuration: where (a path such as <c>pools/web/members/0/port</c>) and what.</summary>
public sealed record ConfigError(string Path, string Message);
