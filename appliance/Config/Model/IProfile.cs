namespace Fulcrum.Appliance.Config.Model;

/// <summary>A profile of one kind (<see cref="ProfileKinds"/>). Profile names are unique across kinds, as in LTM, so a virtual server lists them by name alone.</summary>
public interface IProfile : IConfigObject
{
    string Kind { get; }
}
