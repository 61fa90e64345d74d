namespace Fulcrum.Appliance.Config.Model;

/// <summary>Every stored configuration object is addressed by its name, unique within its kind.</summary>
public interface IConfigObject
{
    string Name { get; }
}
