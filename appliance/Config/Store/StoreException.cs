namespace Fulcrum.Appliance.Config.Store;

/// <summary>The store cannot be opened or used (a newer schema, a corrupt file); the message says what to do.</summary>
public sealed class StoreException : Exception
{
    public StoreException(string message) : base(message)
    {
    }

    public StoreException(string message, Exception inner) : base(message, inner)
    {
    }
}
