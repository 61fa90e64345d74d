namespace Fulcrum.Appliance.Config.Editing;

/// <summary>Why a change could not even be applied (before validation): each maps to one HTTP status.</summary>
public enum EditFailure
{
    /// <summary>The change is well formed; see the validation errors instead.</summary>
    None,
    /// <summary>400: the body is not a valid object of the kind (JSON syntax, types, unknown fields).</summary>
    BadBody,
    /// <summary>400: the kind path is unknown.</summary>
    UnknownKind,
    /// <summary>400: the name in the body differs from the name in the path.</summary>
    NameMismatch,
    /// <summary>404: the object to change or delete does not exist.</summary>
    NotFound,
    /// <summary>409: an object of that name already exists.</summary>
    AlreadyExists,
    /// <summary>409: built-in objects cannot be changed or deleted.</summary>
    BuiltIn,
    /// <summary>409: the object is still referenced by others.</summary>
    InUse,
}
