namespace Fulcrum.Appliance.Config.Validation;

/// <summary>Checks one concern of a whole configuration and adds every problem it finds to the context.</summary>
internal interface IConfigValidator
{
    void Validate(ValidationContext context);
}
